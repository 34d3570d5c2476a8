package dev.slipway.ci.trigger;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The pipeline files of a checkout: {@code .slipway/*.yml} and {@code *.yaml}, in name order. */
final class PipelineFiles {
    private PipelineFiles() {}

    static List<Path> list(Path base) {
        Path dir = base.resolve(".slipway");
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new SlipwayException.BadRequest("cannot list .slipway: " + e.getMessage());
            }
        }
        return files;
    }

    /** The file a trigger names ({@code ci}, {@code ci.yml}), or the only one; 400 saying which exist otherwise. */
    static Path choose(Path base, String name) {
        List<Path> files = list(base);
        if (name != null && !name.isBlank()) {
            for (Path f : files) {
                String fn = f.getFileName().toString();
                if (fn.equals(name) || fn.equals(name + ".yml") || fn.equals(name + ".yaml")) {
                    return f;
                }
            }
            throw new SlipwayException.BadRequest("no pipeline '" + name + "' in .slipway/ (found: "
                    + files.stream().map(f -> f.getFileName().toString()).toList() + ")");
        }
        if (files.size() == 1) {
            return files.getFirst();
        }
        throw new SlipwayException.BadRequest(files.isEmpty() ? "the repository has no pipeline (.slipway/*.yml)"
                : "the repository has several pipelines; name one with \"pipeline\": " + files.stream().map(f -> f.getFileName().toString()).toList());
    }
}
