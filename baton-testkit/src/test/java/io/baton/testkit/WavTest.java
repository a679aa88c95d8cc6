package io.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavTest {
  @TempDir Path dir;

  /** A canonical 44-byte-header WAV file; {@code dataSize} as written in the header. */
  private Path wav(short channels, short[] samples, int dataSize) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + samples.length * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort(channels).putInt(8000);
    b.putInt(8000 * 2 * channels).putShort((short) (2 * channels)).putShort((short) 16);
    b.put("data".getBytes()).putInt(dataSize);
    for (short s : samples) {
      b.putShort(s);
    }
    Path file = dir.resolve("a.wav");
    Files.write(file, b.array());
    return file;
  }

  /** {@code seconds} of silence, then {@code seconds} of a tone of peak 8000. */
  private static short[] silenceThenTone(double hz, int seconds) {
    short[] s = new short[2 * seconds * 8000];
    for (int i = seconds * 8000; i < s.length; i++) {
      s[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / 8000));
    }
    return s;
  }

  @Test
  void theLastSecondOfAToneAfterSilenceIsLoudAndIsThatTone() throws Exception {
    short[] samples = silenceThenTone(440, 1);
    Wav wav = Wav.read(wav((short) 1, samples, samples.length * 2));

    assertThat(wav.sampleRate()).isEqualTo(8000);
    assertThat(wav.seconds()).isEqualTo(2.0);
    assertThat(wav.levelOfLast(1.0).windowsAtOrAbove(-40)).isEqualTo(10);
    assertThat(wav.levelOfLast(1.0).loudestDbov()).isCloseTo(-15.3, within(0.2));
    assertThat(wav.levelOfLast(2.0).windowsAtOrAbove(-40)).isEqualTo(10);
    assertThat(wav.toneShareOfLast(1.0, 440)).isCloseTo(1.0, within(0.01));
    assertThat(wav.toneShareOfLast(1.0, 600)).isLessThan(0.01);
  }

  @Test
  void silenceHasNoLevelAndNoTone() throws Exception {
    Wav wav = Wav.read(wav((short) 1, new short[8000], 16000));

    assertThat(wav.levelOfLast(1.0).windowsAtOrAbove(-100)).isZero();
    assertThat(wav.toneShareOfLast(1.0, 440)).isZero();
  }

  @Test
  void aDataChunkWhoseSizeWasNeverWrittenIsReadToTheEnd() throws Exception {
    assertThat(Wav.read(wav((short) 1, new short[800], 0)).samples()).hasSize(800);
  }

  @Test
  void onlyMono16BitWaveIsRead() throws Exception {
    Path stereo = wav((short) 2, new short[800], 1600);
    assertThatThrownBy(() -> Wav.read(stereo)).hasMessageContaining("not mono s16");
    Path text = dir.resolve("b.wav");
    Files.writeString(text, "not a wave file at all");
    assertThatThrownBy(() -> Wav.read(text)).hasMessageContaining("not a RIFF/WAVE file");
  }
}
