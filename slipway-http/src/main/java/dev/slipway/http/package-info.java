/**
 * The request pipeline's shared vocabulary: what the route classes of every module (the registry's,
 * CI's, the UI's, the server's own) need from the server's HTTP pipeline, without knowing the server.
 *
 * <p>A request goes through, in order (wired once, in the server's {@code HttpServer}):
 * <ol>
 * <li><b>Resolve</b> ({@code before}, the server's {@code http.Authentication}): the caller is
 *     resolved once, from the credentials the request's protocol takes (Basic, a personal access
 *     token, a registry JWT on {@code /v2/}, the sign-in cookie on the UI's pages), and kept on the
 *     request as a {@link dev.slipway.core.identity.Caller}. Credentials that are wrong are not
 *     refused here: the refusal is kept, and becomes a 401 when a route needs the caller.</li>
 * <li><b>Check</b> ({@code beforeMatched}): the {@link dev.slipway.http.Role}s the matched route
 *     declared are checked ({@link dev.slipway.http.Role#check}); a refusal is thrown.</li>
 * <li><b>Handle</b>: the handler reads the caller with {@link dev.slipway.http.Callers#of} and
 *     decides what depends on the resource itself (a registry repository through the registry's
 *     {@code RegistryAccess}, a CI repository through CI's {@code RepositoryAccess}).</li>
 * <li><b>Answer errors</b>: typed exceptions are mapped once, in the server's
 *     {@code http.ErrorResponses}, to the protocol's format: OCI error JSON on {@code /v2/} (one
 *     writer, the registry's {@code OciErrors}), an error page for a browser on a UI page, and the
 *     API's problem body {@code {"message": ...}} elsewhere.</li>
 * </ol>
 *
 * <p><b>A new route</b> declares what it needs where it is registered, and nothing else about
 * credentials: {@code routes.post("/api/v1/admin/things", this::add, Role.SITE_ADMIN)}. Without a
 * role a route is open to anyone and its handler decides (a public repository's runs, a package list
 * that shows what the caller may see). Its handler reads {@code Callers.of(ctx)} and throws
 * {@code SlipwayException}s (or the registry's {@code RegistryException} under {@code /v2/}); it
 * never parses {@code Authorization}, reads the session cookie, or writes an error status itself.
 */
package dev.slipway.http;
