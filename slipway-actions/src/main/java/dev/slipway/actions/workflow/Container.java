package dev.slipway.actions.workflow;

import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * {@code container:} of a job, or one of its {@code services:}.
 *
 * @param image the image to run
 * @param credentials for pulling the image, or null
 * @param ports {@code ports:} as written ({@code 5432}, {@code 8080:80})
 * @param volumes {@code volumes:} as written ({@code data:/data}, {@code /src:/dst})
 * @param options {@code options:}, extra {@code docker create} options, or null
 * @param entrypoint {@code entrypoint:} of a service, or null
 * @param command {@code command:} of a service, or null
 */
public record Container(Value image, SequencedMap<String, Value> env, Credentials credentials, List<Value> ports,
                        List<Value> volumes, Value options, Value entrypoint, Value command, Position at) {
    public Container {
        Objects.requireNonNull(image, "image");
        env = Ordered.copy(env);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
    }

    /** {@code credentials:}: the user name and password of the registry the image is pulled from. */
    public record Credentials(Value username, Value password, Position at) {}
}
