# A coloured build log of n lines, like bench/logs generates: cargo-like "Compiling" lines, mostly
# bold green, one in ten in a 256-colour foreground, one in twenty in truecolor, one in ten plain;
# every 500th a \r progress bar of 21 frames ending as one line; a ::group:: of 100 lines every 20,000.
BEGIN {
    for (i = 0; i < n; i++) {
        if (i % 20000 == 100) { printf "::group::Fetch batch %d\n", i / 20000; continue }
        if (i % 20000 == 200) { printf "::endgroup::\n"; continue }
        if (i % 500 == 499) {
            for (f = 0; f <= 20; f++) printf "\033[36mprogress %3d%% [%-20s]\033[0m\r", f * 5, substr("####################", 1, f)
            printf "\033[K\033[32mdownloaded\033[0m batch %d\n", i
            continue
        }
        if (i % 10 == 3) { printf "\033[38;5;%dm   Compiling\033[0m crate-%d v1.2.3 (/build/src)\n", 16 + i % 216, i; continue }
        if (i % 20 == 7) { printf "\033[38;2;%d;%d;%dm   Compiling\033[0m crate-%d v1.2.3 (/build/src)\n", i % 256, i * 7 % 256, i * 13 % 256, i; continue }
        if (i % 10 == 5) { printf "   Compiling crate-%d v1.2.3 (/build/src)\n", i; continue }
        printf "\033[1m\033[32m   Compiling\033[0m crate-%d v1.2.3 (/build/src)\n", i
    }
}
