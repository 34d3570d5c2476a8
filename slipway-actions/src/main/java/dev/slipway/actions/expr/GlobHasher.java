package dev.slipway.actions.expr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * hashFiles() as the runner computes it (src/Misc/expressionFunc/hashFiles): {@code @actions/glob}
 * finds the files, each file's SHA-256 digest goes into one outer SHA-256, and the result is its hex
 * ('' when nothing matched).
 *
 * <p>Matching follows {@code @actions/glob} on Linux: one pattern a line ({@code #} comments and
 * blank lines skipped), a leading {@code !} excludes, the last matching pattern decides, {@code *},
 * {@code ?}, {@code [...]} and {@code **} as in minimatch with dot files included, case-sensitive, and
 * a pattern also matches everything below what it names. Relative patterns start at the workspace;
 * a pattern starting with {@code /} that is not under the workspace also starts there (GitHub's docs
 * write {@code hashFiles('/lib/**\/*.rb')} for the workspace's lib). Files are found depth first, each
 * directory's entries in byte order of their names (Node's readdir), search roots in pattern order.
 */
final class GlobHasher implements FileHasher {
    private final Path workspace;

    GlobHasher(Path workspace) {
        this.workspace = workspace.toAbsolutePath().normalize();
    }

    @Override
    public String hash(List<String> lines, boolean followSymbolicLinks) throws IOException {
        if (!Files.isDirectory(workspace)) {
            throw new IOException("the workspace " + workspace + " is not a directory");
        }
        Path root = workspace.toRealPath();
        List<Pattern> patterns = new ArrayList<>();
        for (String text : lines) {
            for (String line : text.split("\r?\n", -1)) {
                Pattern.parse(line, root, patterns);
            }
        }
        MessageDigest all = sha256();
        boolean any = false;
        for (Path start : searchPaths(patterns)) {
            for (Path file : files(start, patterns, followSymbolicLinks)) {
                if (!file.startsWith(root) || file.equals(root)) {
                    continue; // the runner ignores what is not under GITHUB_WORKSPACE
                }
                all.update(digest(file));
                any = true;
            }
        }
        return any ? HexFormat.of().formatHex(all.digest()) : "";
    }

    /** @actions/glob's getSearchPaths: the literal prefix of each including pattern, without those below another. */
    private static List<Path> searchPaths(List<Pattern> patterns) {
        Map<Path, Boolean> candidates = new LinkedHashMap<>();
        for (Pattern p : patterns) {
            if (!p.negate) {
                candidates.put(p.searchPath, Boolean.TRUE);
            }
        }
        List<Path> result = new ArrayList<>();
        for (Path candidate : candidates.keySet()) {
            boolean below = false;
            for (Path parent = candidate.getParent(); parent != null && !below; parent = parent.getParent()) {
                below = candidates.containsKey(parent);
            }
            if (!below) {
                result.add(candidate);
            }
        }
        return result;
    }

    /** Depth first from {@code start}: the files that match, in the order the runner hashes them. */
    private static List<Path> files(Path start, List<Pattern> patterns, boolean follow) throws IOException {
        record Item(Path path, int level) {}
        List<Path> found = new ArrayList<>();
        Deque<Item> stack = new ArrayDeque<>();
        stack.push(new Item(start, 0));
        List<Path> chain = new ArrayList<>(); // real paths of the directories above, to stop at link cycles
        while (!stack.isEmpty()) {
            Item item = stack.pop();
            Path path = item.path();
            BasicFileAttributes attrs = attributes(path, follow);
            if (attrs == null) {
                continue;
            }
            List<String> segments = segments(path);
            if (attrs.isDirectory()) {
                if (follow) {
                    Path real = path.toRealPath();
                    while (chain.size() > item.level()) {
                        chain.removeLast();
                    }
                    if (chain.contains(real)) {
                        continue; // a link back up the tree
                    }
                    chain.add(real);
                }
                if (Pattern.anyCouldMatchBelow(patterns, segments)) {
                    List<Path> children = children(path);
                    for (int i = children.size() - 1; i >= 0; i--) {
                        stack.push(new Item(children.get(i), item.level() + 1));
                    }
                }
            } else if (Pattern.matches(patterns, segments)) {
                if (!follow && attrs.isSymbolicLink()) {
                    // Not followed while searching, but the runner stats and reads the file it points to.
                    BasicFileAttributes target;
                    try {
                        target = Files.readAttributes(path, BasicFileAttributes.class);
                    } catch (NoSuchFileException e) {
                        throw new IOException("the symbolic link " + path + " points to nothing");
                    }
                    if (target.isDirectory()) {
                        continue;
                    }
                }
                found.add(path);
            }
        }
        return found;
    }

    private static BasicFileAttributes attributes(Path path, boolean follow) throws IOException {
        try {
            return follow ? Files.readAttributes(path, BasicFileAttributes.class)
                    : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null; // a search path that does not exist, or a broken link when following (glob omits those)
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        }
        children.sort((a, b) -> Arrays.compareUnsigned(name(a), name(b)));
        return children;
    }

    private static byte[] name(Path path) {
        return path.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<String> segments(Path path) {
        List<String> segments = new ArrayList<>();
        for (Path part : path) {
            segments.add(part.toString());
        }
        return segments;
    }

    private static byte[] digest(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
        }
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One pattern, as absolute path segments below the file system root. */
    static final class Pattern {
        final boolean negate;
        final List<String> segments;
        final Path searchPath;

        private Pattern(boolean negate, List<String> segments, Path searchPath) {
            this.negate = negate;
            this.segments = segments;
            this.searchPath = searchPath;
        }

        /** Adds the pattern of one line, and the same with /** appended (glob's implicit descendants). */
        static void parse(String line, Path root, List<Pattern> into) throws IOException {
            String text = line.trim();
            if (text.isEmpty() || text.startsWith("#")) {
                return;
            }
            boolean negate = false;
            while (text.startsWith("!")) {
                negate = !negate;
                text = text.substring(1);
            }
            if (text.isEmpty()) {
                return;
            }
            List<String> written = new ArrayList<>(Arrays.asList(text.split("/+", -1)));
            boolean trailingSlash = written.size() > 1 && written.getLast().isEmpty();
            if (trailingSlash) {
                written.removeLast();
            }
            boolean absolute = written.getFirst().isEmpty();
            if (absolute) {
                written.removeFirst();
            }
            for (int i = 0; i < written.size(); i++) {
                String literal = literal(written.get(i));
                if (".".equals(literal) && i > 0 || "..".equals(literal)) {
                    throw new IOException("the pattern '" + line.trim() + "' has a '" + literal
                            + "' segment; only a leading './' is allowed, as in @actions/glob");
                }
            }
            if (!written.isEmpty() && ".".equals(literal(written.getFirst()))) {
                written.removeFirst();
            }
            List<String> rootSegments = segments(root).stream().map(Pattern::escape).toList();
            List<String> segments = new ArrayList<>();
            if (!absolute || !startsWith(written, rootSegments)) {
                segments.addAll(rootSegments);
            }
            segments.addAll(written);
            Path search = Path.of("/");
            for (String segment : segments) {
                String literal = literal(segment);
                if (literal == null) {
                    break;
                }
                search = search.resolve(literal);
            }
            if (!trailingSlash) {
                into.add(new Pattern(negate, List.copyOf(segments), search));
            }
            if (segments.isEmpty() || !segments.getLast().equals("**")) {
                List<String> below = new ArrayList<>(segments);
                below.add("**");
                into.add(new Pattern(negate, List.copyOf(below), search));
            }
        }

        private static boolean startsWith(List<String> written, List<String> root) {
            if (written.size() < root.size()) {
                return false;
            }
            for (int i = 0; i < root.size(); i++) {
                if (!literal(root.get(i)).equals(literal(written.get(i)))) {
                    return false;
                }
            }
            return true;
        }

        /** The last pattern that matches decides; none means not matched. */
        static boolean matches(List<Pattern> patterns, List<String> path) {
            boolean matched = false;
            for (Pattern p : patterns) {
                if (p.negate ? matched : !matched) {
                    if (match(p.segments, 0, path, 0)) {
                        matched = !p.negate;
                    }
                }
            }
            return matched;
        }

        /** Whether some including pattern could match {@code dir} or something below it (glob's partialMatch). */
        static boolean anyCouldMatchBelow(List<Pattern> patterns, List<String> dir) {
            for (Pattern p : patterns) {
                if (!p.negate && partial(p.segments, 0, dir, 0)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean match(List<String> pattern, int pi, List<String> path, int si) {
            if (pi == pattern.size()) {
                return si == path.size();
            }
            String segment = pattern.get(pi);
            if (segment.equals("**")) {
                for (int k = si; k <= path.size(); k++) {
                    if (match(pattern, pi + 1, path, k)) {
                        return true;
                    }
                }
                return false;
            }
            return si < path.size() && segmentMatches(segment, path.get(si)) && match(pattern, pi + 1, path, si + 1);
        }

        private static boolean partial(List<String> pattern, int pi, List<String> path, int si) {
            if (si == path.size()) {
                return true;
            }
            if (pi == pattern.size()) {
                return false;
            }
            String segment = pattern.get(pi);
            if (segment.equals("**")) {
                return true;
            }
            return segmentMatches(segment, path.get(si)) && partial(pattern, pi + 1, path, si + 1);
        }

        /** minimatch on one segment: {@code *}, {@code ?}, {@code [abc]}, {@code [!a-z]}, backslash escapes. */
        static boolean segmentMatches(String pattern, String name) {
            return segmentMatches(pattern, 0, name, 0);
        }

        private static boolean segmentMatches(String p, int pi, String s, int si) {
            while (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (segmentMatches(p, pi, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (si >= s.length()) {
                    return false;
                }
                if (c == '?') {
                    pi++;
                    si++;
                    continue;
                }
                if (c == '[') {
                    int end = classEnd(p, pi);
                    if (end > 0) {
                        if (!inClass(p.substring(pi + 1, end), s.charAt(si))) {
                            return false;
                        }
                        pi = end + 1;
                        si++;
                        continue;
                    }
                }
                if (c == '\\' && pi + 1 < p.length()) {
                    c = p.charAt(++pi);
                }
                if (c != s.charAt(si)) {
                    return false;
                }
                pi++;
                si++;
            }
            return si == s.length();
        }

        /** Index of the ']' that closes the class opened at {@code open}, or -1 when it is a literal '['. */
        private static int classEnd(String p, int open) {
            int i = open + 1;
            if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
                i++;
            }
            if (i < p.length() && p.charAt(i) == ']') {
                i++; // a ']' first in the class is part of it
            }
            for (; i < p.length(); i++) {
                if (p.charAt(i) == '\\') {
                    i++;
                } else if (p.charAt(i) == ']') {
                    return i;
                }
            }
            return -1;
        }

        private static boolean inClass(String body, char c) {
            boolean negated = !body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^');
            int i = negated ? 1 : 0;
            boolean hit = false;
            while (i < body.length()) {
                char from = body.charAt(i);
                if (from == '\\' && i + 1 < body.length()) {
                    from = body.charAt(++i);
                }
                char to = from;
                if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                    to = body.charAt(i + 2);
                    if (to == '\\' && i + 3 < body.length()) {
                        to = body.charAt(i + 3);
                        i++;
                    }
                    i += 2;
                }
                if (c >= from && c <= to) {
                    hit = true;
                }
                i++;
            }
            return hit != negated;
        }

        /** The segment as a literal name, or null when it has glob characters (glob's getLiteral). */
        static String literal(String segment) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '\\' && i + 1 < segment.length()) {
                    out.append(segment.charAt(++i));
                } else if (c == '*' || c == '?') {
                    return null;
                } else if (c == '[' && classEnd(segment, i) > 0) {
                    int end = classEnd(segment, i);
                    String set = segment.substring(i + 1, end).replace("\\", "");
                    if (set.length() != 1 || set.equals("!") || set.equals("^")) {
                        return null;
                    }
                    out.append(set);
                    i = end;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        /** A directory name as a pattern segment that matches only itself. */
        private static String escape(String name) {
            StringBuilder out = new StringBuilder();
            for (char c : name.toCharArray()) {
                if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            return out.toString();
        }
    }
}
