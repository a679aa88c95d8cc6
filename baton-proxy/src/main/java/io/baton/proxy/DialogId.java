package io.baton.proxy;

/**
 * A dialog's identity as the proxy files it (RFC 3261 §12): Call-ID, the caller side's tag (From of
 * the INVITE) and the callee side's tag (To of its 2xx).
 */
record DialogId(String callId, String uacTag, String uasTag) {}
