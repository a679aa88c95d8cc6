package io.baton.transfer;

/**
 * Every kind of error the API answers with (RFC 9457 problem types). The OpenAPI document lists
 * each one; a type URI names the kind, the problem's {@code detail} the particular case.
 */
public enum ProblemType {
  MALFORMED_BODY(400, "malformed-body", "Malformed request body"),
  INVALID_FIELD(400, "invalid-field", "Invalid field"),
  INVALID_DESTINATION(400, "invalid-destination", "Invalid destination"),
  INVALID_PARAMETER(400, "invalid-parameter", "Invalid query parameter"),
  INVALID_HEADER(400, "invalid-header", "Invalid header"),
  UNAUTHORIZED(401, "unauthorized", "Missing or unknown API key"),
  TARGET_NOT_ALLOWED(403, "target-not-allowed", "Target not allowed"),
  TRANSFER_POLICY(403, "transfer-policy", "Refused by the tenant's transfer policy"),
  TENANT_REQUIRED(403, "tenant-required", "A tenant's API key is required"),
  ADMIN_REQUIRED(403, "admin-required", "An admin API key is required"),
  NOT_FOUND(404, "not-found", "Not found"),
  CALL_NOT_FOUND(404, "call-not-found", "Call not found"),
  TRANSFER_NOT_FOUND(404, "transfer-not-found", "Transfer not found"),
  WEBHOOK_NOT_FOUND(404, "webhook-not-found", "No webhook"),
  CALL_ENDED(409, "call-ended", "Call ended"),
  CALL_NOT_ANSWERED(409, "call-not-answered", "Call not yet answered"),
  TRANSFER_IN_FLIGHT(409, "transfer-in-flight", "Transfer already in flight"),
  IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "Idempotency key reused"),
  INVALID_RATE_DECK(422, "invalid-rate-deck", "Invalid rate deck"),
  RATE_LIMITED(429, "rate-limited", "Too many requests"),
  INTERNAL_ERROR(500, "internal-error", "Internal error");

  private static final String BASE = "https://baton.dev/problems/";

  private final int status;
  private final String slug;
  private final String title;

  ProblemType(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String uri() {
    return BASE + slug;
  }

  public String title() {
    return title;
  }

  /**
   * This kind of problem, about {@code instance} (the request path), explained by {@code detail}.
   */
  public Problem at(String instance, String detail) {
    return new Problem(uri(), title, status, detail, instance);
  }
}
