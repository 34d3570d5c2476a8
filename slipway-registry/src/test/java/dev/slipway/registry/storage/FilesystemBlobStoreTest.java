package dev.slipway.registry.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

class FilesystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path root;

    @Override
    protected BlobStore newStore() throws IOException {
        return new FilesystemBlobStore(root);
    }

    @Override
    protected List<String> leftovers() throws IOException {
        try (Stream<Path> s = Stream.concat(Files.list(root.resolve("uploads")), Files.list(root.resolve("tmp")))) {
            return s.map(Path::toString).toList();
        }
    }
}
