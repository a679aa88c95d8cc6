package io.baton.sip;

/**
 * What one endpoint's {@link SipLimits} refused so far, and what it holds now.
 *
 * @param openConnections TCP connections accepted and not yet closed
 * @param refusedConnections TCP connections closed at once: one too many for their source or in
 *     all, or from a banned source
 * @param oversizedStreams TCP connections closed because a message grew past the size limit
 * @param idleConnections TCP connections closed after the idle timeout
 * @param readTimeouts TCP connections closed because a message did not complete in time
 * @param oversizedDatagrams UDP datagrams over the size limit, dropped unread
 * @param sources sources the rate limit remembers now
 * @param bans bans started so far
 * @param droppedWhileBanned requests and datagrams of banned sources dropped so far
 */
public record LimitCounters(
    int openConnections,
    long refusedConnections,
    long oversizedStreams,
    long idleConnections,
    long readTimeouts,
    long oversizedDatagrams,
    int sources,
    long bans,
    long droppedWhileBanned) {}
