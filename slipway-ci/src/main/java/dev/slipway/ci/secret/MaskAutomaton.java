package dev.slipway.ci.secret;

import java.util.Arrays;
import java.util.Collection;

/**
 * An Aho–Corasick automaton over bytes, built once per run and shared by its maskers (immutable
 * after construction). The root has a dense 256-entry table, so the common case (a byte that
 * starts no pattern) costs one array load; deeper states keep their children as sibling lists,
 * because secrets make long single-child chains and a dense table per state would cost 1 KiB each.
 */
final class MaskAutomaton {
    /** Next state from the root for each byte; 0 means the byte starts no pattern. */
    final int[] root = new int[256];
    /** Per state: the length of the longest pattern that ends here, 0 if none. */
    final int[] maskLength;
    /**
     * Per state: how many of the last bytes may still be the start of a match, i.e. the depth of
     * the longest suffix that is a pattern prefix with a continuation. Those bytes must be held back.
     */
    final int[] holdLength;
    final int longest;

    private final byte[] label;
    private final int[] firstChild;
    private final int[] nextSibling;
    private final int[] fail;

    MaskAutomaton(Collection<byte[]> patterns) {
        int capacity = 1 + patterns.stream().mapToInt(p -> p.length).sum();
        byte[] lab = new byte[capacity];
        int[] first = new int[capacity];
        int[] next = new int[capacity];
        int[] depth = new int[capacity];
        boolean[] terminal = new boolean[capacity];
        int states = 1;
        int max = 0;
        for (byte[] p : patterns) {
            max = Math.max(max, p.length);
            int s = 0;
            for (byte b : p) {
                int c = s == 0 ? root[b & 0xff] : child(first, next, lab, s, b);
                if (c == 0) {
                    c = states++;
                    lab[c] = b;
                    depth[c] = depth[s] + 1;
                    if (s == 0) {
                        root[b & 0xff] = c;
                    } else {
                        next[c] = first[s];
                        first[s] = c;
                    }
                }
                s = c;
            }
            terminal[s] = true;
        }
        this.longest = max;
        this.label = Arrays.copyOf(lab, states);
        this.firstChild = Arrays.copyOf(first, states);
        this.nextSibling = Arrays.copyOf(next, states);
        this.fail = new int[states];
        this.maskLength = new int[states];
        this.holdLength = new int[states];
        // Breadth first, so a state's failure target (always shallower) is complete before it.
        int[] queue = new int[states];
        int head = 0;
        int tail = 0;
        for (int c : root) {
            if (c != 0) {
                queue[tail++] = c;
            }
        }
        while (head < tail) {
            int s = queue[head++];
            maskLength[s] = terminal[s] ? depth[s] : maskLength[fail[s]];
            holdLength[s] = firstChild[s] != 0 ? depth[s] : holdLength[fail[s]];
            for (int c = firstChild[s]; c != 0; c = nextSibling[c]) {
                fail[c] = next(fail[s], label[c]);
                queue[tail++] = c;
            }
        }
    }

    /** The state after reading {@code b} in state {@code s}. */
    int next(int s, byte b) {
        while (s != 0) {
            for (int c = firstChild[s]; c != 0; c = nextSibling[c]) {
                if (label[c] == b) {
                    return c;
                }
            }
            s = fail[s];
        }
        return root[b & 0xff];
    }

    private static int child(int[] first, int[] next, byte[] lab, int s, byte b) {
        for (int c = first[s]; c != 0; c = next[c]) {
            if (lab[c] == b) {
                return c;
            }
        }
        return 0;
    }
}
