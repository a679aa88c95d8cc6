package io.baton.store;

/**
 * A number a tenant owns and where calls to it go.
 *
 * @param did the number, E.164
 * @param tenantId the owner
 * @param redirectTo an E.164 number (reached through the core proxy) or a SIP URI
 * @param onArrival a transfer target to apply as soon as the call arrives, or null
 * @param enabled false to answer calls to it with 404
 */
public record Did(
    String did, String tenantId, String redirectTo, String onArrival, boolean enabled) {}
