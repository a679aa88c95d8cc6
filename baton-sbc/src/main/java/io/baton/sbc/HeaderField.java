package io.baton.sbc;

/** A header a new leg's INVITE gets: its name and its value as they go on the wire. */
record HeaderField(String name, String value) {}
