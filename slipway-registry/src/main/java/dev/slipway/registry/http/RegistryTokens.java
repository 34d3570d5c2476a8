package dev.slipway.registry.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.slipway.core.Ids;
import dev.slipway.core.KeyFiles;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Short-lived registry tokens per the Docker token spec: HS256 JWTs whose {@code access} claim
 * lists the granted {@code repository:<name>:<actions>}. The signing key is 256 random bits in
 * {@code <data>/secrets/registry-token.key}, created on first start (mode 0600).
 */
public final class RegistryTokens {
    /** The grants of a verified token. {@code catalog} is the registry:catalog:* grant. */
    public record Grant(Principal principal, Map<String, Set<Action>> repositories, boolean catalog) {
        public Set<Action> actions(String repository) {
            return repositories.getOrDefault(repository, Set.of());
        }
    }

    private final byte[] key;
    private final Duration ttl;
    private final String issuer = "slipway";

    public RegistryTokens(Path secretsDir, Duration ttl) throws IOException {
        this.ttl = ttl;
        this.key = KeyFiles.loadOrCreate(secretsDir.resolve("registry-token.key"), 32);
    }

    public Duration ttl() {
        return ttl;
    }

    public String issue(Principal principal, String service, Map<String, Set<Action>> repositories, boolean catalog) {
        Instant now = Instant.now();
        List<Map<String, Object>> access = new ArrayList<>();
        repositories.forEach((name, actions) -> access.add(Map.of(
                "type", "repository", "name", name,
                "actions", actions.stream().map(Action::wireName).sorted().toList())));
        if (catalog) {
            access.add(Map.of("type", "registry", "name", "catalog", "actions", List.of("*")));
        }
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(principal.isAnonymous() ? "" : principal.username())
                .audience(service)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(Ids.randomHex(12))
                .claim("access", access)
                .claim("adm", principal.siteAdmin())
                .claim("scp", principal.scopes().stream().map(Scope::wireName).sorted().toList());
        if (principal.job() != null) {
            // A job token's JWT stays its run's: the registry checks the run is still live (RegistryRoutes).
            Principal.Job j = principal.job();
            builder.claim("job", Map.of("id", j.id(), "run", j.run(), "repository", j.repository()));
        }
        JWTClaimsSet claims = builder.build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Verifies signature, issuer and time; empty if the token is not one of ours or has expired. */
    public Optional<Grant> verify(String token) {
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Date now = new Date();
            if (!issuer.equals(c.getIssuer()) || c.getExpirationTime() == null || c.getExpirationTime().before(now)
                    || (c.getNotBeforeTime() != null && c.getNotBeforeTime().after(now))) {
                return Optional.empty();
            }
            String sub = c.getSubject();
            EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
            List<String> scp = c.getStringListClaim("scp");
            if (scp != null) {
                for (String s : scp) {
                    scopes.add(Scope.parse(s));
                }
            }
            Boolean adm = c.getBooleanClaim("adm");
            Map<String, Object> jobClaim = c.getJSONObjectClaim("job");
            Principal.Job job = jobClaim == null ? null : new Principal.Job(String.valueOf(jobClaim.get("id")),
                    ((Number) jobClaim.get("run")).longValue(), String.valueOf(jobClaim.get("repository")));
            Principal principal = sub == null || sub.isEmpty() ? Principal.ANONYMOUS
                    : new Principal(sub, adm != null && adm, scopes, job);
            Map<String, Set<Action>> repos = new LinkedHashMap<>();
            boolean catalog = false;
            Object accessClaim = c.getClaim("access");
            if (accessClaim instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m) {
                        Object type = m.get("type");
                        Object name = m.get("name");
                        if ("registry".equals(type) && "catalog".equals(name)) {
                            catalog = true;
                        } else if ("repository".equals(type) && name instanceof String n && m.get("actions") instanceof List<?> acts) {
                            EnumSet<Action> set = EnumSet.noneOf(Action.class);
                            for (Object a : acts) {
                                Action action = a instanceof String s ? Action.parseOrNull(s) : null;
                                if (action != null) {
                                    set.add(action);
                                }
                            }
                            repos.put(n, set);
                        }
                    }
                }
            }
            return Optional.of(new Grant(principal, repos, catalog));
        } catch (ParseException | JOSEException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
