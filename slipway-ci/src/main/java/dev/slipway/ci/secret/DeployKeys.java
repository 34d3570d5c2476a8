package dev.slipway.ci.secret;

import dev.slipway.core.Ids;
import dev.slipway.core.KeyFiles;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Deploy keys: named ed25519 key pairs with which the server reads repositories over SSH. The
 * layout is seed 004's:
 * <pre>
 * &lt;secrets&gt;/git-ssh/&lt;owner&gt;/public/&lt;name&gt;   "ssh-ed25519 AAAA... slipway/&lt;owner&gt;/&lt;name&gt;" (0644)
 * &lt;secrets&gt;/git-ssh/&lt;owner&gt;/private/&lt;name&gt;  OpenSSH private key, unencrypted (0600)
 * </pre>
 * with every directory at 0700. A key exists when its private file does. Each file is written
 * under a temporary name in its directory (created 0600, so the private key is never readable by
 * others), fsynced, and hard-linked into place: the link fails if the name exists, so an existing
 * key is never overwritten, and a crash leaves no half-written key. A public file without a
 * private one (a crash between the two links, or in a delete) does not count and is replaced.
 *
 * <p>The private half never leaves the server: JGit reads it in-process from
 * {@link #privateKeyPath}, and it enters a task container only if a task declares it. Names
 * become file names, so, unlike seed 004 (which enforced no format), they are limited to letters,
 * digits, '.', '_' and '-', starting with a letter or digit.
 */
public final class DeployKeys {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path root;
    private final Identity identity;
    private final KeyReferences references;

    public DeployKeys(Path secretsDir, Identity identity, KeyReferences references) {
        this.root = secretsDir.resolve("git-ssh");
        this.identity = identity;
        this.references = references;
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SlipwayException.BadRequest("invalid key name '" + name + "': use letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, at most 100 characters");
        }
    }

    /** Generates and stores a new key pair; 409 if the owner already has a key of that name. */
    public DeployKey create(String owner, String name) {
        Identity.checkOwnerName(owner);
        checkName(name);
        if (identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("user or organization '" + owner + "' does not exist");
        }
        Path privateFile = privateFile(owner, name);
        if (Files.exists(privateFile)) {
            throw exists(owner, name);
        }
        byte[][] pair = OpenSshFormat.generate();
        String comment = "slipway/" + owner + "/" + name;
        try {
            KeyFiles.privateDirectory(root);
            KeyFiles.privateDirectory(root.resolve(owner));
            KeyFiles.privateDirectory(privateFile.getParent());
            KeyFiles.privateDirectory(publicFile(owner, name).getParent());
            String privateKey = OpenSshFormat.privateKey(pair[0], pair[1], comment, ByteBuffer.wrap(Ids.randomBytes(4)).getInt());
            try {
                writeNew(privateFile, privateKey, "rw-------", false);
            } catch (FileAlreadyExistsException raced) {
                throw exists(owner, name);
            }
            writeNew(publicFile(owner, name), OpenSshFormat.publicLine(pair[0], comment), "rw-r--r--", true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write deploy key " + owner + "/" + name + " under " + root, e);
        }
        return get(owner, name);
    }

    public DeployKey get(String owner, String name) {
        Path privateFile = existing(owner, name);
        try {
            String line = Files.readString(publicFile(owner, name), StandardCharsets.UTF_8).trim();
            long created = Files.getLastModifiedTime(privateFile).toMillis();
            return new DeployKey(owner, name, line, OpenSshFormat.fingerprint(OpenSshFormat.blobOfLine(line)), created);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("deploy key " + owner + "/" + name + " has no public half at "
                    + publicFile(owner, name) + "; delete it (forced) and create it again", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys of {@code owner}, or of every owner if null, by owner then name. */
    public List<DeployKey> list(String owner) {
        List<DeployKey> out = new ArrayList<>();
        try {
            for (String o : owner != null ? List.of(owner) : children(root)) {
                for (String name : children(root.resolve(o).resolve("private"))) {
                    if (NAME.matcher(name).matches()) { // not a temporary file
                        out.add(get(o, name));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** What uses the key, per the {@link KeyReferences} hook. */
    public List<String> references(String owner, String name) {
        existing(owner, name);
        return references.referencesTo(owner, name);
    }

    /**
     * Deletes a key. While anything uses it, refuses with 409 naming the users, unless {@code force}.
     * Returns what still used it (empty if nothing), for a warning.
     */
    public List<String> delete(String owner, String name, boolean force) {
        List<String> users = references(owner, name);
        if (!users.isEmpty() && !force) {
            throw new SlipwayException.Conflict("deploy key " + owner + "/" + name + " is still used by "
                    + String.join(", ", users) + "; force the deletion (--force, or ?force=true in the API) to remove it anyway");
        }
        try {
            Files.delete(privateFile(owner, name)); // first: without it the key no longer exists
            Files.deleteIfExists(publicFile(owner, name));
            fsync(privateFile(owner, name).getParent());
        } catch (NoSuchFileException e) {
            throw notFound(owner, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    /** The private key file, for JGit's SSH transport (the file is read in-process and never copied out). */
    public Path privateKeyPath(String owner, String name) {
        return existing(owner, name);
    }

    private Path existing(String owner, String name) {
        Identity.checkOwnerName(owner);
        checkName(name);
        Path p = privateFile(owner, name);
        if (!Files.isRegularFile(p)) {
            throw notFound(owner, name);
        }
        return p;
    }

    private Path privateFile(String owner, String name) {
        return root.resolve(owner).resolve("private").resolve(name);
    }

    private Path publicFile(String owner, String name) {
        return root.resolve(owner).resolve("public").resolve(name);
    }

    private static SlipwayException notFound(String owner, String name) {
        return new SlipwayException.NotFound("deploy key " + owner + "/" + name + " does not exist");
    }

    private static SlipwayException exists(String owner, String name) {
        return new SlipwayException.Conflict("deploy key " + owner + "/" + name + " already exists; keys are never overwritten");
    }

    /** Writes {@code content} to a temporary file, fsyncs it, and links it in as {@code target}. */
    private static void writeNew(Path target, String content, String mode, boolean replace) throws IOException {
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + Ids.randomHex(4) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode)); // the umask may have narrowed it
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.createLink(target, tmp);
            }
            fsync(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static List<String> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).toList();
        }
    }
}
