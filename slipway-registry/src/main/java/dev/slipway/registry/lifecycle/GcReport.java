package dev.slipway.registry.lifecycle;

/**
 * What a garbage collection removed, or in a dry run would remove.
 *
 * @param uploads    abandoned upload sessions (and upload files without a session)
 * @param links      blob links removed from repositories where no manifest uses them
 * @param blobs      blob records removed (no repository links them any more)
 * @param files      files removed from the blob store: blobs and manifests nothing references
 * @param fileBytes  their total size
 */
public record GcReport(boolean dryRun, int uploads, long uploadBytes, int links, int blobs, int files, long fileBytes) {
    public long bytes() {
        return uploadBytes + fileBytes;
    }

    public boolean isEmpty() {
        return uploads == 0 && links == 0 && blobs == 0 && files == 0;
    }
}
