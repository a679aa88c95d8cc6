package io.baton.testkit;

import io.baton.media.LevelMeter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mono 16-bit PCM WAV file in memory (what baresip records), measured with {@link LevelMeter};
 * and the spoken audio a test softphone sends, made with espeak-ng and sox.
 *
 * @param sampleRate samples per second
 * @param samples the samples, oldest first
 */
public record Wav(int sampleRate, short[] samples) {

  /**
   * Reads a RIFF/WAVE file of 16-bit mono PCM. A data chunk whose size was never written (a
   * recorder killed mid-call) is read to the end of the file.
   *
   * @throws IOException if the file is not such a WAV file
   */
  public static Wav read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
      throw new IOException(file + ": not a RIFF/WAVE file");
    }
    int sampleRate = 0;
    b.position(12);
    while (b.remaining() >= 8) {
      int id = b.getInt();
      int size = b.getInt();
      if (id == 0x20746d66) { // "fmt "
        int format = b.getShort(b.position()) & 0xffff;
        int channels = b.getShort(b.position() + 2);
        int bits = b.getShort(b.position() + 14);
        if (format != 1 || channels != 1 || bits != 16) {
          throw new IOException(
              file
                  + ": format "
                  + format
                  + ", "
                  + channels
                  + " ch, "
                  + bits
                  + " bit: not mono s16");
        }
        sampleRate = b.getInt(b.position() + 4);
      } else if (id == 0x61746164) { // "data"
        if (sampleRate == 0) {
          throw new IOException(file + ": data before fmt");
        }
        int length = size <= 0 || size > b.remaining() ? b.remaining() : size;
        short[] samples = new short[length / 2];
        b.asShortBuffer().get(samples);
        return new Wav(sampleRate, samples);
      }
      b.position(b.position() + Math.min(b.remaining(), size + (size & 1)));
    }
    throw new IOException(file + ": no data chunk");
  }

  /** Seconds of audio. */
  public double seconds() {
    return (double) samples.length / sampleRate;
  }

  /** The level of the last {@code seconds} of audio, over 100 ms windows. */
  public LevelMeter levelOfLast(double seconds) {
    LevelMeter meter = new LevelMeter(sampleRate / 10);
    meter.addLinear(samples, from(seconds), samples.length);
    return meter;
  }

  /**
   * The share (0 to 1) of the last {@code seconds}' energy that is a tone of {@code hz} (Goertzel's
   * algorithm at that one frequency): near 1 for that tone alone, near 0 for other audio.
   */
  public double toneShareOfLast(double seconds, double hz) {
    int from = from(seconds);
    int n = samples.length - from;
    double coefficient = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
    double s1 = 0;
    double s2 = 0;
    double energy = 0;
    for (int i = from; i < samples.length; i++) {
      double s0 = samples[i] + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
      energy += (double) samples[i] * samples[i];
    }
    double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2; // |X(hz)|²
    return energy == 0 ? 0 : Math.min(1, 2 * power / (n * energy));
  }

  private int from(double seconds) {
    return Math.max(0, samples.length - (int) Math.round(seconds * sampleRate));
  }

  /**
   * Writes {@code text} spoken by espeak-ng, repeated {@code times}, as an 8 kHz mono 16-bit WAV
   * (sox converts and repeats it): what a softphone's user says.
   *
   * @throws IOException if espeak-ng or sox is missing or fails
   */
  public static Path speak(String text, int times, Path out)
      throws IOException, InterruptedException {
    Path raw = out.resolveSibling(out.getFileName() + ".espeak.wav");
    run(List.of(tool("espeak-ng"), "-w", raw.toString(), text));
    List<String> sox = new ArrayList<>(List.of(tool("sox"), raw.toString()));
    sox.addAll(List.of("-r", "8000", "-c", "1", "-b", "16", out.toString()));
    if (times > 1) {
      sox.addAll(List.of("repeat", Integer.toString(times - 1)));
    }
    run(sox);
    Files.delete(raw);
    return out;
  }

  private static String tool(String name) throws IOException {
    return Executables.onPath(name)
        .orElseThrow(() -> new IOException(name + " not on PATH: apt-get install " + name))
        .toString();
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within 30 s");
    }
    String output = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
