/**
 * vroute's EC2 Query API: the protocol layer that the AWS CLI and SDKs talk to, and on which every EC2 action is
 * written.
 *
 * <p>{@link io.vroute.api.ApiServer} serves a map of {@link io.vroute.api.Action}s by name, after an
 * {@link io.vroute.api.Authenticator} ({@link io.vroute.api.SigV4Authenticator} with the pair from
 * {@link io.vroute.api.Credentials}, or {@code Authenticator.none()}) has accepted the request. An action reads its
 * parameters through {@link io.vroute.api.QueryRequest}, writes its response members with
 * {@link io.vroute.api.XmlWriter}, and fails by throwing {@link io.vroute.api.Ec2Exception}. Describe actions cut
 * their results with {@link io.vroute.api.Filters} and {@link io.vroute.api.Page}. A typical action:
 *
 * <pre>{@code
 * actions.put("CreateRouteServer", (r, w) -> {
 *     long asn = r.requiredLong("AmazonSideAsn", 1, 4294967295L);
 *     Map<String, String> tags = r.creationTags("route-server");
 *     r.checkDryRun();                            // after validation, before any change
 *     RouteServer rs = server.create(asn, tags);  // domain exceptions go through the server's translator
 *     w.start("routeServer").element("routeServerId", rs.id()).element("amazonSideAsn", asn)
 *             .tags("tagSet", tags).end();
 * });
 * }</pre>
 *
 * <p>The server wraps the output, replays answers for repeated {@code ClientToken}s (see
 * {@link io.vroute.api.ClientTokens}) and turns anything unexpected into {@code InternalError}.
 */
package io.vroute.api;
