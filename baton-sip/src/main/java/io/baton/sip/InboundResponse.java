package io.baton.sip;

import java.net.InetSocketAddress;
import javax.sip.Dialog;
import javax.sip.message.Response;

/** A response that matched no transaction of ours, with where it came from. */
public record InboundResponse(Response response, Dialog dialog, InetSocketAddress source) {}
