package io.vroute.api;

/**
 * One EC2 action, for example {@code CreateRouteServer}. It reads its parameters from the request and
 * writes the members of its response (without the {@code <CreateRouteServerResponse>} wrapper and
 * {@code <requestId>}, which {@link ApiServer} adds). To fail, it throws {@link Ec2Exception}; nothing it
 * wrote is sent then.
 */
@FunctionalInterface
public interface Action {
    void handle(QueryRequest request, XmlWriter response) throws Ec2Exception;
}
