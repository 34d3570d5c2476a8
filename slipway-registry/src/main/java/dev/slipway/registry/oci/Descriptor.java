package dev.slipway.registry.oci;

import dev.slipway.core.Digest;
import java.util.Map;

/** An OCI content descriptor, as much of it as the registry needs. */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
                         Map<String, String> annotations, boolean foreign) {
    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
