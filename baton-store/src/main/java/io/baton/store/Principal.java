package io.baton.store;

/**
 * Who an API key speaks for: a tenant, or an admin (routing data, all tenants).
 *
 * @param tenantId the tenant, or null for an admin key without one
 * @param admin true for admin keys
 */
public record Principal(String tenantId, boolean admin) {
  public static Principal tenant(String tenantId) {
    return new Principal(tenantId, false);
  }

  public static Principal administrator() {
    return new Principal(null, true);
  }

  /** True if this principal may see and move calls to DIDs of {@code tenant}. */
  public boolean mayAct(String tenant) {
    return admin || (tenantId != null && tenantId.equals(tenant));
  }
}
