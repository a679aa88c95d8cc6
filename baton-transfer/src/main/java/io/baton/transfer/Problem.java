package io.baton.transfer;

/**
 * An error answer, {@code application/problem+json} (RFC 9457 §3.1).
 *
 * @param type URI naming the kind of problem
 * @param title short summary of the kind, the same for every occurrence
 * @param status the HTTP status
 * @param detail what went wrong in this request, in words a client developer can act on
 * @param instance the request path the problem occurred at
 */
public record Problem(String type, String title, int status, String detail, String instance) {
  public static final String MEDIA_TYPE = "application/problem+json";
}
