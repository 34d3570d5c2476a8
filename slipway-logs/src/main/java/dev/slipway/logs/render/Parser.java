package dev.slipway.logs.render;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns one stream's bytes into actions on a {@link Screen}: UTF-8 decoding and the escape-sequence
 * state machine (after the VT500 parser that xterm and most emulators follow). Each stream has its
 * own parser, so a sequence split across two appends of stdout is not broken by stderr bytes in
 * between; all streams act on the same screen, as a terminal shared by both would.
 *
 * <p>Nothing is lost: a byte is text, a control, part of a sequence (swallowed, whether understood
 * or not), or shown as an invalid byte. Where this parts from a terminal, it is to keep text
 * visible: an OSC or DCS string ends at a line feed (a terminal would swallow everything up to the
 * next BEL or ST, which for a stray {@code ESC ]} is the rest of the log), and an ill-formed UTF-8
 * sequence shows each of its bytes.
 */
final class Parser {
    private static final int GROUND = 0;
    private static final int UTF8 = 1;
    private static final int ESC = 2;
    private static final int ESC_INTERMEDIATE = 3;
    private static final int CSI = 4;
    private static final int OSC = 5;
    private static final int OSC_ESC = 6;
    /** DCS, SOS, PM and APC strings: swallowed. */
    private static final int STRING = 7;
    private static final int STRING_ESC = 8;

    private static final int MAX_PARAMS = 32;
    private static final int MAX_PARAM = 1_000_000;
    /** Longer OSC strings (inline images, clipboard contents) are swallowed without being kept. */
    private static final int MAX_OSC = 4096;

    private int state;
    // UTF-8: bytes of the sequence so far, how many more are needed, and the range of the next one
    private final byte[] pending = new byte[4];
    private int pendingCount;
    private int need;
    private int codePoint;
    private int lo;
    private int hi;
    // escape and control sequences
    private int intermediate;
    private final int[] params = new int[MAX_PARAMS];
    private long subs;
    private int paramCount;
    private int current;
    private int marker;
    private boolean ignore;
    private byte[] osc = new byte[64];
    private int oscLength;
    private boolean oscOverflow;

    boolean inGround() {
        return state == GROUND;
    }

    Parser copy() {
        Parser p = new Parser();
        p.state = state;
        System.arraycopy(pending, 0, p.pending, 0, pending.length);
        p.pendingCount = pendingCount;
        p.need = need;
        p.codePoint = codePoint;
        p.lo = lo;
        p.hi = hi;
        p.intermediate = intermediate;
        System.arraycopy(params, 0, p.params, 0, params.length);
        p.subs = subs;
        p.paramCount = paramCount;
        p.current = current;
        p.marker = marker;
        p.ignore = ignore;
        p.osc = Arrays.copyOf(osc, osc.length);
        p.oscLength = oscLength;
        p.oscOverflow = oscOverflow;
        return p;
    }

    /** End of the log: an incomplete UTF-8 sequence shows as invalid bytes; an incomplete escape sequence is dropped. */
    void finish(Screen s) {
        if (state == UTF8) {
            flushInvalid(s);
        }
        state = GROUND;
    }

    /** Processes one byte (0-255). */
    void accept(int c, Screen s) {
        while (!step(c, s)) {
            // the byte ended the previous state and is processed again in the new one
        }
    }

    /** False when {@code c} must be processed again in the state just entered. */
    private boolean step(int c, Screen s) {
        switch (state) {
            case GROUND -> ground(c, s);
            case UTF8 -> {
                if (c < lo || c > hi) {
                    flushInvalid(s);
                    state = GROUND;
                    return false;
                }
                pending[pendingCount++] = (byte) c;
                codePoint = codePoint << 6 | c & 0x3f;
                lo = 0x80;
                hi = 0xbf;
                if (--need == 0) {
                    state = GROUND;
                    pendingCount = 0;
                    s.print(codePoint);
                }
            }
            case ESC -> {
                return escape(c, s);
            }
            case ESC_INTERMEDIATE -> {
                return escapeIntermediate(c, s);
            }
            case CSI -> {
                return csi(c, s);
            }
            case OSC -> {
                return oscString(c, s);
            }
            case OSC_ESC, STRING_ESC -> {
                if (c == '\\') {
                    if (state == OSC_ESC) {
                        dispatchOsc(s);
                    }
                    state = GROUND;
                    return true;
                }
                enterEscape(); // the ESC began a new sequence
                return false;
            }
            case STRING -> {
                return string(c);
            }
            default -> throw new IllegalStateException("parser state " + state);
        }
        return true;
    }

    private void ground(int c, Screen s) {
        if (c < 0x20) {
            control(c, s, true);
        } else if (c < 0x7f) {
            s.print(c);
        } else if (c >= 0x80) {
            utf8Start(c, s);
        } // DEL is ignored, as by terminals
    }

    /**
     * A C0 control. Inside a sequence only those that act are executed (as terminals do); outside,
     * the ones without an effect are shown, since a log has no reason to hide them.
     */
    private void control(int c, Screen s, boolean show) {
        switch (c) {
            case 0x1b -> enterEscape();
            case 0x0a, 0x0b, 0x0c -> s.newline();
            case 0x0d -> s.carriageReturn();
            case 0x08 -> s.backspace();
            case 0x09 -> s.tab();
            case 0x00, 0x07, 0x0e, 0x0f -> { } // NUL, BEL and the charset shifts SO/SI: silent
            default -> {
                if (show) {
                    s.printControl(c);
                }
            }
        }
    }

    private void utf8Start(int c, Screen s) {
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            lo = 0x80;
            hi = 0xbf;
            codePoint = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            lo = c == 0xe0 ? 0xa0 : 0x80; // no overlong forms
            hi = c == 0xed ? 0x9f : 0xbf; // no surrogates
            codePoint = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            lo = c == 0xf0 ? 0x90 : 0x80;
            hi = c == 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
            codePoint = c & 0x07;
        } else {
            s.printInvalid(c);
            return;
        }
        pending[0] = (byte) c;
        pendingCount = 1;
        state = UTF8;
    }

    private void flushInvalid(Screen s) {
        for (int i = 0; i < pendingCount; i++) {
            s.printInvalid(pending[i] & 0xff);
        }
        pendingCount = 0;
    }

    private void enterEscape() {
        state = ESC;
        intermediate = 0;
    }

    /** What every state inside a sequence does with ESC, CAN, SUB, other C0 controls, DEL and non-ASCII. */
    private boolean common(int c, Screen s) {
        if (c == 0x1b) {
            enterEscape();
        } else if (c == 0x18 || c == 0x1a) {
            state = GROUND;
        } else if (c < 0x20) {
            control(c, s, false);
        } else if (c >= 0x80) {
            state = GROUND; // not part of any sequence: the sequence is abandoned, the byte is text
            return false;
        }
        return true;
    }

    private boolean escape(int c, Screen s) {
        if (c < 0x20 || c >= 0x7f) {
            return common(c, s);
        }
        state = GROUND;
        switch (c) {
            case '[' -> {
                state = CSI;
                paramCount = 0;
                subs = 0;
                current = -1;
                marker = 0;
                intermediate = 0;
                ignore = false;
            }
            case ']' -> {
                state = OSC;
                oscLength = 0;
                oscOverflow = false;
            }
            case 'P', 'X', '^', '_' -> state = STRING;
            case '7' -> s.save();
            case '8' -> s.restore();
            case 'c' -> s.reset();
            case 'D' -> s.index();
            case 'E' -> s.newline();
            case 'M' -> s.reverseIndex();
            default -> {
                if (c < 0x30) {
                    intermediate = c;
                    state = ESC_INTERMEDIATE;
                } // other finals (keypad modes, ST alone, ...) are swallowed
            }
        }
        return true;
    }

    private boolean escapeIntermediate(int c, Screen s) {
        if (c < 0x20 || c >= 0x7f) {
            return common(c, s);
        }
        if (c >= 0x30) {
            if (intermediate == '(') {
                s.lineDrawing = c == '0'; // G0 is DEC special graphics or, for any other final, text
            }
            state = GROUND;
        }
        return true;
    }

    private boolean csi(int c, Screen s) {
        if (c >= '0' && c <= '9') {
            current = Math.min((current < 0 ? 0 : current) * 10 + (c - '0'), MAX_PARAM);
        } else if (c == ';' || c == ':') {
            pushParam();
            if (c == ':' && paramCount < 64) {
                subs |= 1L << paramCount;
            }
        } else if (c >= 0x3c && c <= 0x3f) {
            if (paramCount == 0 && current < 0 && marker == 0) {
                marker = c;
            } else {
                ignore = true;
            }
        } else if (c >= 0x20 && c <= 0x2f) {
            intermediate = c;
        } else if (c >= 0x40 && c <= 0x7e) {
            pushParam();
            state = GROUND;
            if (!ignore && marker == 0 && intermediate == 0) {
                dispatch(c, s);
            } // private modes (?25l, ?1049h, ...) and sequences with intermediates are swallowed
        } else if (c != 0x7f) {
            return common(c, s);
        }
        return true;
    }

    private void pushParam() {
        if (paramCount < MAX_PARAMS) {
            params[paramCount++] = current;
        }
        current = -1;
    }

    /** Parameter {@code i} as a count: missing or 0 means {@code 1}. */
    private int count(int i) {
        return i < paramCount && params[i] > 0 ? params[i] : 1;
    }

    /** Parameter {@code i} as a selector: missing means 0. */
    private int selector(int i) {
        return i < paramCount && params[i] > 0 ? params[i] : 0;
    }

    private void dispatch(int fin, Screen s) {
        switch (fin) {
            case 'A' -> s.up(count(0));
            case 'B', 'e' -> s.down(count(0));
            case 'C', 'a' -> s.forward(count(0));
            case 'D' -> s.back(count(0));
            case 'E' -> {
                s.down(count(0));
                s.carriageReturn();
            }
            case 'F' -> {
                s.up(count(0));
                s.carriageReturn();
            }
            case 'G', '`' -> s.toColumn(count(0) - 1);
            case 'd' -> s.toRow(count(0) - 1);
            case 'H', 'f' -> {
                s.toRow(count(0) - 1);
                s.toColumn(count(1) - 1);
            }
            case 'J' -> s.eraseDisplay(selector(0));
            case 'K' -> s.eraseLine(selector(0));
            case 'X' -> s.eraseChars(count(0));
            case 'P' -> s.deleteChars(count(0));
            case '@' -> s.insertChars(count(0));
            case 'm' -> s.pen = Sgr.apply(s.pen, params, subs, paramCount);
            case 's' -> {
                if (paramCount == 1 && params[0] < 0) {
                    s.save(); // with parameters it is DECSLRM (margins), not supported
                }
            }
            case 'u' -> s.restore();
            default -> { } // scroll regions, line insertion, modes, reports, ...: swallowed
        }
    }

    private boolean oscString(int c, Screen s) {
        if (c == 0x07) {
            dispatchOsc(s);
            state = GROUND;
        } else if (c == 0x1b) {
            state = OSC_ESC;
        } else if (c == 0x18 || c == 0x1a) {
            state = GROUND;
        } else if (c == 0x0a) {
            state = GROUND; // unterminated: give the rest of the log back
            return false;
        } else if (c >= 0x20) {
            if (oscLength == MAX_OSC) {
                oscOverflow = true;
            } else {
                if (oscLength == osc.length) {
                    osc = Arrays.copyOf(osc, Math.min(MAX_OSC, osc.length * 2));
                }
                osc[oscLength++] = (byte) c;
            }
        }
        return true;
    }

    private boolean string(int c) {
        if (c == 0x1b) {
            state = STRING_ESC;
        } else if (c == 0x07 || c == 0x18 || c == 0x1a) {
            state = GROUND;
        } else if (c == 0x0a) {
            state = GROUND;
            return false;
        }
        return true;
    }

    /** OSC 8 sets or ends a hyperlink; titles, colours, clipboard, notifications and the rest are swallowed. */
    private void dispatchOsc(Screen s) {
        if (oscOverflow || oscLength < 2 || osc[0] != '8' || osc[1] != ';') {
            return;
        }
        String text = new String(osc, 2, oscLength - 2, StandardCharsets.UTF_8);
        int semi = text.indexOf(';');
        if (semi < 0) {
            return;
        }
        String uri = text.substring(semi + 1);
        s.link = uri.isEmpty() ? null : uri;
    }
}
