package dev.slipway.actions.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hashFiles() against a fixed tree. The expected hashes were computed by the runner's own algorithm
 * (src/Misc/expressionFunc/hashFiles) running on @actions/glob 0.7.0 under Node 20 on the same tree,
 * so they pin both the hashing and the order in which the runner finds files.
 */
class HashFilesTest {
    @TempDir
    static Path ws;

    @BeforeAll
    static void tree() throws IOException {
        write("package-lock.json", "lock\n");
        write("src/a.js", "a\n");
        write("src/b.js", "b\n");
        write("src/sub/c.js", "c\n");
        write("src/sub/d.txt", "d\n");
        write("lib/x.rb", "x\n");
        write("lib/foo/y.rb", "y\n");
        write("lib/deep/er/z.rb", "z\n");
        write(".hidden/h.txt", "h\n");
        write("a.txt", "A\n");
        write("a/b.txt", "ab\n");
        write("B.txt", "B\n");
        write("for-hashing-1.txt", "Hello\n");
        write("for-hashing-2.txt", "World\n");
        write("for-hashing-3/data.txt", "data\n");
        write("for-hashing-3/nested/nested-data.txt", "nested\n");
        write("node_modules/pkg/package-lock.json", "nested lock\n");
        write("empty.txt", "");
        write("weird[1].txt", "w\n");
        write("space dir/f g.txt", "s\n");
        Files.createSymbolicLink(ws.resolve("link-to-a.txt"), Path.of("a.txt"));
        Files.createSymbolicLink(ws.resolve("link-to-src"), Path.of("src"));
        Files.createSymbolicLink(ws.resolve("broken-link"), Path.of("missing"));
    }

    private static void write(String name, String content) throws IOException {
        Path file = ws.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String hash(String... patterns) throws IOException {
        return FileHasher.workspace(ws).hash(List.of(patterns), false);
    }

    private static String followed(String... patterns) throws IOException {
        return FileHasher.workspace(ws).hash(List.of(patterns), true);
    }

    @Test
    void githubsDocumentedPatterns() throws IOException {
        assertThat(hash("**/package-lock.json")).isEqualTo("3eb029de499535015febdcc74a9bf15ae6956da608397627189a6f9e7f0214e2");
        assertThat(hash("**/package-lock.json", "**/Gemfile.lock")).isEqualTo("3eb029de499535015febdcc74a9bf15ae6956da608397627189a6f9e7f0214e2");
        assertThat(hash("src/*.js")).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
        assertThat(hash("lib/**/*.rb", "!lib/foo/*.rb")).isEqualTo("31a5f0e7e4f0b2fe613b00e52c30168f459d4676431d8722596f671b834e6ca3");
        // The docs write these with a leading '/', meaning the workspace; @actions/glob alone would read
        // them as absolute paths and match nothing.
        assertThat(hash("/src/*.js")).isEqualTo(hash("src/*.js"));
        assertThat(hash("/lib/**/*.rb", "!/lib/foo/*.rb")).isEqualTo(hash("lib/**/*.rb", "!lib/foo/*.rb"));
        // An absolute path inside the workspace is that path.
        assertThat(hash(ws.toRealPath() + "/src/*.js")).isEqualTo(hash("src/*.js"));
    }

    /** act's TestFunctionHashFiles patterns, on files of the same names (act hashes differently, so the values are the runner's). */
    @Test
    void actsPatterns() throws IOException {
        assertThat(hash("**/non-extant-files")).isEmpty();
        assertThat(hash("**/non-extant-files", "**/more-non-extant-files")).isEmpty();
        assertThat(hash("./for-hashing-1.txt")).isEqualTo("31ff3fcb19566e855efbe0c4eb393d1a7807e08c4f1cf4f1a89e29d9d55968c5");
        assertThat(hash("./for-hashing-*.txt")).isEqualTo("8e3dc2a46b385e6512f2a1ea25a2e6fa3c77e4d0b55ddffa726d175ccd524e80");
        assertThat(hash("./for-hashing-*.txt", "!./for-hashing-2.txt")).isEqualTo("31ff3fcb19566e855efbe0c4eb393d1a7807e08c4f1cf4f1a89e29d9d55968c5");
        assertThat(hash("./for-hashing-**")).isEqualTo("806cae24cf90e84b889e3c82cf50e69a975b57946b22b41b7e1a4b48346d609e");
        assertThat(hash("./for-hashing-3/**")).isEqualTo("74139cdcf878b1ac10f8bb25f3290eaae7bb2f40832dd460bbe2bbde836440ce");
        assertThat(hash("./for-hashing-3/**/nested-data.txt")).isEqualTo("f1d85846a80ad1ee3c4773e2c971eb37171acb87757d585226f64d6ee41894be");
    }

    @Test
    void theHashIsTheSha256OfEachFilesSha256InTheOrderFound() throws Exception {
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (String content : List.of("a\n", "b\n")) {
            all.update(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(hash("src/*.js")).isEqualTo(HexFormat.of().formatHex(all.digest()));
        assertThat(hash("empty.txt")).isEqualTo("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
    }

    @Test
    void patternSyntax() throws IOException {
        assertThat(hash("src")).as("a directory means everything below it").isEqualTo("4f894ff24b7b165c99567e91b1f1e94a1ab616d152eb99ffd8d77cfa7904acd2");
        assertThat(hash("src/")).isEqualTo("4f894ff24b7b165c99567e91b1f1e94a1ab616d152eb99ffd8d77cfa7904acd2");
        assertThat(hash("src/sub/d.txt", "src")).isEqualTo("4f894ff24b7b165c99567e91b1f1e94a1ab616d152eb99ffd8d77cfa7904acd2");
        assertThat(hash("*.txt")).isEqualTo("257342b71f497858ca07005346391892c4627dbee505e8f594898538ef72c741");
        assertThat(hash("**/*.txt")).isEqualTo("44c85b7fc29558c26036ab3fb855d165adc43a44e15b81389fe7caa642706298");
        assertThat(hash("**/*.txt", "!**/sub/**")).isEqualTo("9e421a4e896d41f2f1bf0b25789507cd8c8443a6ba5349e90ab9d474f61704ab");
        assertThat(hash("a*")).as("a/b.txt before a.txt: names sort as bytes").isEqualTo("079e482b6116346bde9d6afc18269320056e90b457b239970149e1a4c08e0e48");
        assertThat(hash("src/*.js\nlib/*.rb")).isEqualTo("c091d77f181eb9bcfde2e9f19aa3d10c10af40cfb5ba7c4c2504a835eeffbe54");
        assertThat(hash("# comment\n**/d.txt\n\n")).isEqualTo("13f7360b238504ed649d7d7e1aed44f0dffd0635fdb4faf22c8df2d9866b6221");
        assertThat(hash("weird\\[1\\].txt")).isEqualTo("a1af97ddf9c8e0dbf4635a43d7374ca84bb445eb403ab9eda0b6c08f34ce2c25");
        assertThat(hash("weird[[]1].txt")).isEqualTo("a1af97ddf9c8e0dbf4635a43d7374ca84bb445eb403ab9eda0b6c08f34ce2c25");
        assertThat(hash("space dir/*")).isEqualTo("f1d50181f3509535fbd932e84f79b691b653de089b7414ddb0d7bb4cce2737f1");
        assertThat(hash("!**/*.js")).isEmpty();
        assertThat(hash("**/*.JS")).as("case-sensitive, as on Linux").isEmpty();
        assertThat(hash("src/?.js")).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
        assertThat(hash("src/[ab].js")).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
        assertThat(hash("src/[!a].js")).isEqualTo("c606dd677840d364890dce4afe87cfa83260633ed6020d197e8837f553dbbb89");
        assertThat(hash("**/*.js", "!src/**", "src/sub/*.js")).as("the last matching pattern decides").isEqualTo("714b7aa5b0763ea6582d2156f87491351460093fb4cbb05ec6f837b30936f40b");
        assertThat(hash("**/*.txt", "!**/*.txt", "a.txt")).isEqualTo("b1b6445836b29fd2ebcadc96ff24c2fddb280ec1f460aea4bdb8dff9f3025dc0");
        assertThat(hash("!!src/a.js")).isEqualTo("225f1bbbc4b1a3d97c622a492d91ea8d6858d7e1164bbbb5953f74311d6d222e");
        assertThat(hash(" src/a.js ")).isEqualTo("225f1bbbc4b1a3d97c622a492d91ea8d6858d7e1164bbbb5953f74311d6d222e");
        assertThat(hash("src/*.js", "src/*.js")).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
        assertThat(hash("lib/*.rb", "lib/**")).isEqualTo("887797a541f3a83812a89144e1d87c0d1e5b57aa8f6209885f4aa6167bf70857");
        assertThat(hash("**/pkg")).isEqualTo("3cd283283a7b007991ff9fb3f115f29d04791acf2ed2e400c8aec6ec3e45f359");
    }

    @Test
    void symbolicLinks() throws IOException {
        assertThat(hash("link-to-a.txt")).as("a link to a file hashes the file").isEqualTo("b1b6445836b29fd2ebcadc96ff24c2fddb280ec1f460aea4bdb8dff9f3025dc0");
        assertThat(hash("**/*.js")).as("links to directories are not followed").isEqualTo("90c87aee0ef226d25ce1607d8e265918b4462436bc9367610c539414e97e2720");
        assertThat(followed("**/*.js")).isEqualTo("9d5e73c2bffc389a885e86af05ce24b73e606be177fb80287ebc421bfe1dc73e");
        assertThat(followed("**/*.txt")).isEqualTo("bbbc39d902f6ee4d0c0512c4a7217be32964dc49cb72c564c54e3266306646f0");
        assertThat(hash("link-to-src/**")).isEmpty();
        assertThat(hash("link-to-src")).isEmpty();
        assertThat(followed("link-to-src/**")).isEqualTo("4f894ff24b7b165c99567e91b1f1e94a1ab616d152eb99ffd8d77cfa7904acd2");
        assertThat(followed("**")).as("broken links are left out when following").isEqualTo("1a9e4624af34046714d1bbe669e718e3fdbbc7c6098b588a52b9a57ea310588b");
        assertThat(followed("broken-link", "a.txt")).isEqualTo("b1b6445836b29fd2ebcadc96ff24c2fddb280ec1f460aea4bdb8dff9f3025dc0");
        // Without following, a matching broken link fails the runner's hashFiles (it stats every match).
        assertThatThrownBy(() -> hash("**")).isInstanceOf(IOException.class).hasMessageContaining("broken-link points to nothing");
        assertThatThrownBy(() -> hash("broken-link")).isInstanceOf(IOException.class);
    }

    @Test
    void followingStopsAtLinksBackUpTheTree(@TempDir Path other) throws IOException {
        Files.createDirectories(other.resolve("c"));
        Files.writeString(other.resolve("c/file.txt"), "f\n");
        Files.createSymbolicLink(other.resolve("c/up"), Path.of(".."));
        Files.createSymbolicLink(other.resolve("d"), Path.of("c"));
        FileHasher hasher = FileHasher.workspace(other);
        assertThat(hasher.hash(List.of("**"), true)).isEqualTo("5b43c483db9fa7d3920a4b435dd3dadbb0bef8d82af09c5493383db1b39313c0");
        assertThat(hasher.hash(List.of("**"), false)).isEqualTo("ec397553f204b7715fb94c4c6f4642d1d962f79de563009a2b3fee4b6eea2cdb");
    }

    @Test
    void aWorkspaceWhosePathHasGlobCharacters(@TempDir Path parent) throws IOException {
        Path odd = parent.resolve("ws[1]*?");
        Files.createDirectories(odd.resolve("src"));
        Files.writeString(odd.resolve("src/a.js"), "a\n");
        Files.writeString(odd.resolve("src/b.js"), "b\n");
        FileHasher hasher = FileHasher.workspace(odd);
        assertThat(hasher.hash(List.of("src/*.js"), false)).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
        // Written out, the name is a pattern again ([1] a class, *? wildcards), which the directory's own name does not match.
        assertThat(hasher.hash(List.of(odd.toRealPath() + "/src/*.js"), false)).isEmpty();
        String escaped = odd.toRealPath().toString().replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("?", "\\?");
        assertThat(hasher.hash(List.of(escaped + "/src/*.js"), false)).isEqualTo("6ec7b73f58839768f5eb006d96b02ebaa7bf3d30c5daaccc832663c8266e0931");
    }

    @Test
    void patternsMayNotClimbOutOfTheWorkspace() throws IOException {
        assertThatThrownBy(() -> hash("../x")).isInstanceOf(IOException.class)
                .hasMessage("the pattern '../x' has a '..' segment; only a leading './' is allowed, as in @actions/glob");
        assertThatThrownBy(() -> hash("src/./a.js")).isInstanceOf(IOException.class).hasMessageContaining("'.' segment");
        assertThat(hash("/etc/passwd")).as("a path outside means the workspace's etc/passwd").isEmpty();
        assertThat(hash(ws.getParent().toRealPath() + "/*")).isEmpty();
        assertThatThrownBy(() -> FileHasher.workspace(ws.resolve("nope")).hash(List.of("*"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a directory");
    }

    @Test
    void throughAnExpression() {
        Scope scope = Scope.of(Map.of()).withHasher(FileHasher.workspace(ws));
        assertThat(Expressions.parse("hashFiles('**/package-lock.json')").evaluate(scope).asText())
                .isEqualTo("3eb029de499535015febdcc74a9bf15ae6956da608397627189a6f9e7f0214e2");
        assertThat(Expressions.template("node-${{ hashFiles('/lib/**/*.rb', '!/lib/foo/*.rb') }}").evaluateString(scope))
                .isEqualTo("node-31a5f0e7e4f0b2fe613b00e52c30168f459d4676431d8722596f671b834e6ca3");
        assertThat(Expressions.parse("hashFiles('--follow-symbolic-links', 'link-to-src/**')").evaluate(scope).asText())
                .isEqualTo("4f894ff24b7b165c99567e91b1f1e94a1ab616d152eb99ffd8d77cfa7904acd2");
        assertThat(Expressions.parse("hashFiles('nothing-*') == ''").evaluate(scope).booleanValue()).isTrue();
        ExpressionException e = catchThrowableOfType(ExpressionException.class,
                () -> Expressions.parse("hashFiles('src/**', '../x')").evaluate(scope));
        assertThat(e.reason()).isEqualTo("hashFiles('src/**', '../x') failed: the pattern '../x' has a '..' segment; "
                + "only a leading './' is allowed, as in @actions/glob");
        assertThat(e.column()).isEqualTo(1);
    }
}
