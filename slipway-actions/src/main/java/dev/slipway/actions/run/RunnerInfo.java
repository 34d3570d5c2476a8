package dev.slipway.actions.run;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code runner} context and the {@code RUNNER_*} variables (RUNNER_TEMP comes from the
 * {@link JobSession}).
 *
 * @param os {@code Linux}, {@code Windows} or {@code macOS}
 * @param arch {@code X86}, {@code X64}, {@code ARM} or {@code ARM64}
 * @param toolCache RUNNER_TOOL_CACHE as the session sees it
 */
public record RunnerInfo(String name, String os, String arch, String toolCache) {
    public RunnerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(toolCache, "toolCache");
    }

    /** A Linux runner of this machine's architecture. */
    public static RunnerInfo linux(String name, String toolCache) {
        return new RunnerInfo(name, "Linux", arch(System.getProperty("os.arch", "")), toolCache);
    }

    /** GitHub's word for a JVM {@code os.arch}. */
    static String arch(String jvmArch) {
        return switch (jvmArch.toLowerCase(Locale.ROOT)) {
            case "aarch64", "arm64" -> "ARM64";
            case "arm", "aarch32" -> "ARM";
            case "x86", "i386", "i486", "i586", "i686" -> "X86";
            default -> "X64";
        };
    }
}
