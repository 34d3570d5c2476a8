package dev.slipway.ci.executor;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host-isolation rule for task networks: {@code iptables -I INPUT -i <bridge> -j DROP}. Packets
 * from task containers to any address of the host itself arrive through INPUT on the bridge and
 * are dropped; forwarded traffic to the outside world is untouched. One exception sits above it:
 * the server's own port ({@link #allowPort}), so tasks can use Slipway's API and registry. Needs root and iptables on the
 * host that runs the engine (the server's host: the engine must be local for overlays anyway).
 */
final class HostFirewall {
    private HostFirewall() {}

    static void blockBridgeToHost(String bridge) throws Executor.ExecutorException {
        List<String> rule = List.of("INPUT", "-i", bridge, "-j", "DROP");
        if (run("iptables", "-C", rule) == 0) {
            return;
        }
        int rc = run("iptables", "-I", rule);
        if (rc != 0) {
            throw new Executor.ExecutorException("cannot install the host-isolation firewall rule (iptables -I INPUT -i " + bridge
                    + " -j DROP exited " + rc + "); run the server as root with iptables, or install the rule yourself and set "
                    + "ci.host-isolation=external (docs/ci.md), or give tasks 'network: none'");
        }
    }

    /**
     * The one exception: {@code iptables -I INPUT -i <bridge> -p tcp --dport <port> -j ACCEPT},
     * inserted above the DROP (any copy is removed first, so it is never below it), so tasks reach
     * the server's own port and nothing else on the host.
     */
    static void allowPort(String bridge, int port) throws Executor.ExecutorException {
        List<String> rule = portRule(bridge, port);
        removeAll(rule);
        int rc = run("iptables", "-I", rule);
        if (rc != 0) {
            throw new Executor.ExecutorException("cannot open port " + port + " to tasks (iptables -I " + String.join(" ", rule)
                    + " exited " + rc + "); tasks cannot reach the server");
        }
    }

    /** Removes the exception for {@code port} (the server stops). */
    static void closePort(String bridge, int port) {
        try {
            removeAll(portRule(bridge, port));
        } catch (Executor.ExecutorException ignored) {
            // no iptables: nothing was opened
        }
    }

    /**
     * Removes the NAT rules ({@code -t nat POSTROUTING -s <subnet> ... -j MASQUERADE}) that name
     * {@code subnet} as their source, for an internal network that has just been given it. Docker
     * adds no such rule for an internal network, so any there was left behind by an earlier
     * network of that subnet (Docker 20.10 does not always take its rule back; moby #18169,
     * #51147). Left in place it masquerades the traffic between the network's own containers
     * (bridged packets pass POSTROUTING too), whose replies then leave by the wrong interface:
     * a step cannot reach a service by name. Returns the rules removed.
     */
    static List<String> dropStaleMasquerade(String subnet) throws Executor.ExecutorException {
        List<String> removed = new java.util.ArrayList<>();
        for (String line : output("iptables", "-w", "-t", "nat", "-S", "POSTROUTING").lines().toList()) {
            List<String> words = List.of(line.trim().split("\\s+"));
            int s = words.indexOf("-s");
            if (words.size() < 2 || !words.get(0).equals("-A") || s < 0 || s + 1 >= words.size()
                    || !words.get(s + 1).equals(subnet) || !words.contains("MASQUERADE")) {
                continue;
            }
            List<String> argv = new java.util.ArrayList<>(List.of("iptables", "-w", "-t", "nat", "-D"));
            argv.addAll(words.subList(1, words.size()));
            output(argv.toArray(String[]::new));
            removed.add(line.trim());
        }
        return removed;
    }

    private static String output(String... argv) throws Executor.ExecutorException {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new Executor.ExecutorException(String.join(" ", argv) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new Executor.ExecutorException("cannot run " + argv[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Executor.ExecutorException("interrupted while running " + argv[0], e);
        }
    }

    private static List<String> portRule(String bridge, int port) {
        return List.of("INPUT", "-i", bridge, "-p", "tcp", "--dport", Integer.toString(port), "-j", "ACCEPT");
    }

    private static void removeAll(List<String> rule) throws Executor.ExecutorException {
        for (int i = 0; i < 100 && run("iptables", "-D", rule) == 0; i++) {
            // one copy removed
        }
    }

    private static int run(String cmd, String op, List<String> rule) throws Executor.ExecutorException {
        List<String> argv = new java.util.ArrayList<>(List.of(cmd, "-w", op));
        argv.addAll(rule);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new Executor.ExecutorException("cannot run iptables for host isolation: " + e.getMessage()
                    + "; run the server as root with iptables, or give tasks 'network: none'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
