#!/usr/bin/env python3
"""Writes the Docker fixtures of this corpus: what the docker CLI prints for a classic (legacy
builder) build and for BuildKit's plain and tty progress. No engine was at hand when the corpus
was made, so the bytes are composed the way the CLI composes them: classic pull progress as
moby's pkg/jsonmessage DisplayJSONMessagesStream does on a terminal (a line per layer, "\\n" for a
new layer, CSI nA up to the layer's line, CSI 1K CSI K CR, the status, CR, CSI nB back down),
BuildKit plain as progressui/printer.go (textMux) prints, and BuildKit tty frames as
progressui/display.go (ttyDisplay.print) draws them with aec: CSI 1A per line up, CSI 1B on the
first frame, CSI 0G, CSI ?25l, lines padded to the width, completed jobs in CSI 34m ... CSI 0m
(the newline inside the colour), RUN output in CSI 2m as " => => # ", CSI ?25h.
Run it from this directory to rewrite the three files."""

WIDTH = 100


def classic():
    out = []
    w = out.append
    for size in ("2.048kB", "32.77kB", "65.54kB", "98.3kB"):
        w("\x1b[1K\x1b[K\rSending build context to Docker daemon  %s\r" % size)
    w("\n")
    w("Step 1/4 : FROM debian:bookworm-slim\n")
    w("bookworm-slim: Pulling from library/debian\n")
    layers = ["a2318d6c47ec", "1c2b3d4e5f60"]
    ids = {}

    def progress(layer, text):
        if layer not in ids:
            ids[layer] = len(ids)
            w("\n")
        diff = len(ids) - ids[layer]
        w("\x1b[%dA" % diff)
        w("\x1b[1K\x1b[K\r")
        w("%s: %s\r" % (layer, text))
        w("\x1b[%dB" % diff)

    for l in layers:
        progress(l, "Pulling fs layer ")
    total = {"a2318d6c47ec": 29.1, "1c2b3d4e5f60": 3.2}
    for step in range(1, 6):
        for l in layers:
            cur = total[l] * step / 5
            pct = int(cur / total[l] * 100) // 2
            bar = "[" + "=" * pct + ">" + " " * (50 - pct) + "] " if pct < 50 else "[" + "=" * 50 + ">] "
            progress(l, "Downloading %s%6.1fMB/%.1fMB" % (bar, cur, total[l]))
    for l in layers:
        progress(l, "Verifying Checksum ")
        progress(l, "Download complete ")
    for l in layers:
        progress(l, "Extracting [==================================================>]  %.1fMB/%.1fMB" % (total[l], total[l]))
        progress(l, "Pull complete ")
    w("Digest: sha256:2f0a1c5d1b4e7f0e9f3b2c1d0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n")
    w("Status: Downloaded newer image for debian:bookworm-slim\n")
    w(" ---> 4f2a9e1d6b3c\n")
    w("Step 2/4 : RUN apt-get update && apt-get install -y --no-install-recommends curl\n")
    w(" ---> Running in 5c9e0f0e0a0b\n")
    w("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n")
    w("Get:2 http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]\n")
    w("Fetched 8943 kB in 2s (4471 kB/s)\n")
    w("Reading package lists...\n")
    w("debconf: delaying package configuration, since apt-utils is not installed\n")
    w("Selecting previously unselected package curl.\n")
    w("(Reading database ... ")
    for p in range(5, 101, 5):
        w("\r(Reading database ... %d%%" % p)
    w("\r(Reading database ... 6090 files and directories currently installed.)\n")
    w("Setting up curl (7.88.1-10+deb12u8) ...\n")
    w("Removing intermediate container 5c9e0f0e0a0b\n")
    w(" ---> 7d7f1e2c3b4a\n")
    w("Step 3/4 : COPY . /app\n")
    w(" ---> 1a2b3c4d5e6f\n")
    w("Step 4/4 : CMD [\"/app/run\"]\n")
    w(" ---> Running in 0f1e2d3c4b5a\n")
    w("Removing intermediate container 0f1e2d3c4b5a\n")
    w(" ---> 9f8e7d6c5b4a\n")
    w("Successfully built 9f8e7d6c5b4a\n")
    w("Successfully tagged app:latest\n")
    return "".join(out)


def plain():
    steps = [
        ("[internal] load build definition from Dockerfile", ["transferring dockerfile: 203B done"], "DONE 0.0s"),
        ("[internal] load metadata for docker.io/library/debian:bookworm-slim", [], "DONE 1.2s"),
        ("[internal] load .dockerignore", ["transferring context: 2B done"], "DONE 0.0s"),
        ("[1/3] FROM docker.io/library/debian:bookworm-slim@sha256:2f0a1c5d1b4e", [
            "resolve docker.io/library/debian:bookworm-slim@sha256:2f0a1c5d1b4e 0.0s done",
            "sha256:a2318d6c47ec 10.49MB / 29.13MB 0.4s",
            "sha256:a2318d6c47ec 29.13MB / 29.13MB 0.9s done",
            "extracting sha256:a2318d6c47ec 0.8s done"], "DONE 1.9s"),
    ]
    out = ['#0 building with "default" instance using docker driver\n']
    n = 1
    for name, events, end in steps:
        out.append("\n#%d %s\n" % (n, name))
        for e in events:
            out.append("#%d %s\n" % (n, e))
        out.append("#%d %s\n" % (n, end))
        n += 1
    out.append("\n#5 [2/3] RUN apt-get update && apt-get install -y curl\n")
    out.append("#5 0.301 Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n")
    out.append("#5 1.927 Fetched 8943 kB in 2s (4471 kB/s)\n")
    out.append("#5 2.512 Reading package lists...\n")
    out.append("#5 ...\n")
    out.append("\n#6 [internal] load build context\n#6 transferring context: 1.21kB done\n#6 DONE 0.0s\n")
    out.append("\n#5 [2/3] RUN apt-get update && apt-get install -y curl\n")
    out.append("#5 4.150 Selecting previously unselected package curl.\n")
    out.append("#5 4.163 (Reading database ... ")
    for p in range(5, 101, 5):
        out.append("\r(Reading database ... %d%%" % p)
    out.append("\r(Reading database ... 6090 files and directories currently installed.)\n")
    out.append("#5 4.480 Setting up curl (7.88.1-10+deb12u8) ...\n")
    out.append("#5 DONE 6.0s\n")
    out.append("\n#7 [3/3] RUN ./configure --strict\n")
    out.append("#7 0.212 checking for gcc... no\n")
    out.append("#7 0.213 configure: error: no acceptable C compiler found in $PATH\n")
    out.append("#7 ERROR: process \"/bin/sh -c ./configure --strict\" did not complete successfully: exit code: 1\n")
    out.append("------\n > [3/3] RUN ./configure --strict:\n0.212 checking for gcc... no\n"
               "0.213 configure: error: no acceptable C compiler found in $PATH\n------\n")
    out.append("Dockerfile:3\n--------------------\n   1 |     FROM debian:bookworm-slim\n"
               "   2 |     RUN apt-get update && apt-get install -y curl\n   3 | >>> RUN ./configure --strict\n"
               "--------------------\nERROR: failed to solve: process \"/bin/sh -c ./configure --strict\" did not "
               "complete successfully: exit code: 1\n")
    return "".join(out)


def align(left, right, width):
    return left.ljust(width - len(right) - 1) + " " + right


def tty():
    jobs_all = [
        ("[internal] load build definition from Dockerfile", 0.0),
        ("[internal] load metadata for docker.io/library/debian:bookworm-slim", 1.2),
        ("[internal] load .dockerignore", 0.0),
        ("[1/3] FROM docker.io/library/debian:bookworm-slim@sha256:2f0a1c5d1b4e", 1.9),
        ("[internal] load build context", 0.0),
        ("[2/3] RUN apt-get update && apt-get install -y curl", 6.0),
        ("[3/3] COPY . /app", 0.1),
        ("exporting to image", 0.2),
    ]
    # (elapsed, number of jobs started, number completed, log lines of the running job)
    frames = [
        (0.1, 2, 1, []),
        (1.6, 4, 3, []),
        (3.2, 6, 5, ["Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
                     "Fetched 8943 kB in 2s (4471 kB/s)", "Reading package lists..."]),
        (5.0, 6, 5, ["Reading package lists...", "Selecting previously unselected package curl.",
                     "Setting up curl (7.88.1-10+deb12u8) ..."]),
        (8.4, 8, 8, []),
    ]
    out = []
    line_count = 0
    repeated = False
    for index, (elapsed, started, completed, logs) in enumerate(frames):
        final = index == len(frames) - 1
        seq = "\x1b[1A" * (line_count + 1)
        if not repeated:
            seq += "\x1b[1B"
        repeated = True
        out.append(seq + "\x1b[0G")
        out.append("\x1b[?25l")
        status = "FINISHED" if final else ""
        out.append(align("[+] Building %.1fs (%d/%d) %s" % (elapsed, completed, len(jobs_all), status), "", WIDTH) + "\n")
        count = 0
        for j, (name, dt) in enumerate(jobs_all[:started]):
            done = j < completed
            timer = " %3.1fs\n" % (dt if done else elapsed - 1.6)
            line = align(" => " + name, timer, WIDTH)
            out.append("\x1b[34m" + line + "\x1b[0m" if done else line)
            count += 1
            if not done and logs:
                for l in logs:
                    out.append("\x1b[2m => => # %s\n\x1b[0m" % l)
                    count += 1
        if line_count - count > 0:
            diff = line_count - count
            out.append((" " * WIDTH + "\n") * diff)
            out.append("\x1b[%dA" % diff + "\x1b[0G")
        line_count = count
        out.append("\x1b[?25h")
    return "".join(out)


for name, text in (("docker-build-classic.tty", classic()), ("docker-buildkit-plain.tty", plain()),
                   ("docker-buildkit-tty.tty", tty())):
    with open(name, "wb") as f:
        f.write(text.encode())
