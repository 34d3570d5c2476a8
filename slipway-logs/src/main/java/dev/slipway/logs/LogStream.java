package dev.slipway.logs;

/** Where the bytes of a chunk came from. */
public enum LogStream {
    STDOUT(1),
    STDERR(2),
    /** Slipway's own lines about the task ("pulling image", "exit code 1"). */
    SYSTEM(3);

    /** Written to the index; ordinals would change if a constant were inserted. */
    final byte code;

    LogStream(int code) {
        this.code = (byte) code;
    }

    static LogStream ofCode(byte code) {
        for (LogStream s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown log stream code " + code);
    }
}
