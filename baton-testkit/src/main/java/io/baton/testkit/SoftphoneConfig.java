package io.baton.testkit;

import java.nio.file.Path;

/**
 * How {@link Baresip} runs: the files it writes in baresip's configuration directory ({@code -f
 * DIR}), the same lines the README gives for calling the lab from baresip by hand.
 *
 * @param user the account's user (its From and Contact)
 * @param sipPort where baresip listens for SIP (UDP and TCP) on 127.0.0.1; it takes the next port
 *     for SIP over TLS
 * @param controlPort where baresip's ctrl_tcp module listens (JSON in netstrings) on 127.0.0.1
 * @param rtpFirst first RTP port baresip may use
 * @param rtpLast last RTP port baresip may use
 * @param source the WAV file baresip sends as its microphone (module aufile): 16-bit PCM, absolute
 *     or relative to baresip's configuration directory, where it runs (keep it short: aufile cuts
 *     the {@code aufile,<path>} value at 127 characters)
 */
public record SoftphoneConfig(
    String user, int sipPort, int controlPort, int rtpFirst, int rtpLast, Path source) {
  /**
   * Where module sndfile writes what baresip decodes ({@code dump-…-dec.wav}, what its user would
   * hear) and what it encodes ({@code dump-…-enc.wav}), relative to the directory baresip runs in:
   * sndfile cuts file names at 128 characters.
   */
  public static final String RECORDINGS = "recordings";

  /**
   * Ports clear of the lab's (SIP 5060-5132, HTTP 8080, RTP 20000-31999) and the test agents' (SIP
   * 16000-16099, RTP 44000-44999): SIP 16100 (TLS 16101), control 16102, RTP 45000-45099.
   */
  public static SoftphoneConfig lab(Path source) {
    return new SoftphoneConfig("softphone", 16100, 16102, 45000, 45099, source);
  }

  public SoftphoneConfig {
    if (controlPort == sipPort || controlPort == sipPort + 1) {
      throw new IllegalArgumentException(
          "control port " + controlPort + " is baresip's SIP or TLS");
    }
    if (rtpFirst % 2 != 0 || rtpLast <= rtpFirst) {
      throw new IllegalArgumentException("rtp ports " + rtpFirst + "-" + rtpLast);
    }
  }

  /**
   * The {@code config} file: G.711 only, audio from and to files (no sound card), ctrl_tcp. The
   * README shows these lines (with {@code source} {@code $PWD/says.wav}); a test keeps them equal.
   */
  public String config() {
    String[][] lines = {
      {"sip_listen", "127.0.0.1:" + sipPort},
      {"net_interface", "127.0.0.1"},
      {"call_local_timeout", "60"},
      {"audio_source", "aufile," + source},
      // Nothing reads the bridge: what baresip hears goes to sndfile's recording, not to a card.
      {"audio_player", "aubridge,softphone-speaker"},
      {"audio_alert", "aubridge,softphone-speaker"},
      {"ausrc_srate", "8000"},
      {"auplay_srate", "8000"},
      {"rtp_ports", rtpFirst + "-" + rtpLast},
      {"module_path", "/usr/lib/baresip/modules"},
      {"module", "g711.so"},
      {"module", "aufile.so"},
      {"module", "aubridge.so"},
      {"module", "sndfile.so"},
      {"snd_path", RECORDINGS},
      {"module_tmp", "account.so"},
      {"module_app", "menu.so"},
      {"module_app", "ctrl_tcp.so"},
      {"ctrl_tcp_listen", "127.0.0.1:" + controlPort},
    };
    StringBuilder config = new StringBuilder();
    for (String[] line : lines) {
      config.append(String.format("%-19s %s", line[0], line[1])).append('\n');
    }
    return config.toString();
  }

  /** The {@code accounts} file: one account that does not register, offering PCMU and PCMA. */
  public String accounts() {
    return "<sip:" + user + "@127.0.0.1:" + sipPort + ">;regint=0;audio_codecs=PCMU,PCMA\n";
  }
}
