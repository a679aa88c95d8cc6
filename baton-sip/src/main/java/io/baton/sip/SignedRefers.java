package io.baton.sip;

import io.baton.contract.BatonHeaders;
import io.baton.contract.ReferKeys;
import io.baton.contract.ReferSignature;
import io.baton.contract.ReferVerifier;
import java.time.Instant;
import javax.sip.header.ReferToHeader;
import javax.sip.message.Request;

/**
 * Signs and verifies REFERs (docs/security.md, "Signed REFERs"): the {@link ReferSignature} covers
 * the dialog the REFER moves and its Refer-To, read from the message in the same way by the
 * transfer server that signs, the proxy that receives it out of dialog and SBC-edge that receives
 * the proxy's in-dialog REFER.
 */
public final class SignedRefers {
  private SignedRefers() {}

  /**
   * Adds {@code X-Baton-Signature} to a built out-of-dialog REFER naming {@code dialog}, over its
   * Refer-To as this stack writes it.
   */
  public static void sign(Request refer, TargetDialog dialog, ReferKeys keys, Instant now) {
    ReferSignature signature = keys.sign(outOfDialog(refer, dialog), now);
    Messages.get().addHeader(refer, BatonHeaders.SIGNATURE, signature.format());
  }

  /** Verifies an out-of-dialog REFER whose Target-Dialog (RFC 4538) is {@code dialog}. */
  public static ReferVerifier.Verdict verifyOutOfDialog(
      ReferVerifier verifier, Request refer, TargetDialog dialog) {
    try {
      return verifier.verify(signature(refer), outOfDialog(refer, dialog));
    } catch (IllegalArgumentException e) {
      return ReferVerifier.Verdict.MALFORMED; // no Refer-To, a field with a line break
    }
  }

  /**
   * Verifies the proxy's in-dialog REFER by the dialog it arrives in: the proxy sends it as the
   * destination side would (From tag: Target-Dialog's {@code local-tag}; To tag: the caller side's,
   * {@code remote-tag}; the dialog's Call-ID), so the signature the transfer server made for that
   * Target-Dialog verifies only in that dialog.
   */
  public static ReferVerifier.Verdict verifyInDialog(ReferVerifier verifier, Request refer) {
    try {
      TargetDialog dialog =
          new TargetDialog(Messages.callId(refer), Messages.fromTag(refer), Messages.toTag(refer));
      return verifier.verify(signature(refer), outOfDialog(refer, dialog));
    } catch (IllegalArgumentException | NullPointerException e) {
      return ReferVerifier.Verdict.MALFORMED; // a tag missing, no Refer-To
    }
  }

  private static String signature(Request refer) {
    return Messages.headerValue(refer, BatonHeaders.SIGNATURE);
  }

  private static ReferSignature.Fields outOfDialog(Request refer, TargetDialog dialog) {
    return new ReferSignature.Fields(
        dialog.callId(),
        dialog.localTag(),
        dialog.remoteTag(),
        Messages.headerValue(refer, ReferToHeader.NAME));
  }
}
