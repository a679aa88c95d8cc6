package io.baton.testkit.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.baton.testkit.LabFixture;
import io.baton.ua.UaCall;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven through chromedriver) against
 * the running lab: sign in, watch a live call's path, transfer it with the button, watch the path
 * change and the ladder grow, open a message, then find the call's record and the savings chart.
 * Screenshots go to {@code target/dashboard/}.
 */
class DashboardBrowserTest extends LabTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "dashboard");
  private static WebDriver browser;
  private static Path profile;

  @BeforeAll
  static void openBrowser() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests skipped: install Debian's chromium and chromium-driver"
            + " (apt-get install -y chromium chromium-driver)");
    profile = Files.createTempDirectory("baton-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,1200",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void closeBrowser() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private static WebDriverWait waiting() {
    // The page re-renders what the event stream and polls bring: an element found may be
    // replaced before it is used, so each wait retries on a stale one.
    return (WebDriverWait)
        new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(200))
            .ignoring(StaleElementReferenceException.class);
  }

  private static void signIn(String key) {
    browser.get(LabFixture.apiBase() + "/");
    List<WebElement> logout = browser.findElements(By.id("logout"));
    if (!logout.isEmpty() && logout.get(0).isDisplayed()) {
      logout.get(0).click();
    }
    waiting().until(d -> d.findElement(By.id("key")).isDisplayed());
    browser.findElement(By.id("key")).sendKeys(key);
    browser.findElement(By.id("login-button")).click();
    waiting().until(d -> d.findElement(By.id("calls-view")).isDisplayed());
    waiting().until(d -> d.findElement(By.id("live")).getAttribute("class").contains("on"));
  }

  private static WebElement leg(String from, String to, String state) {
    return waiting()
        .until(
            d ->
                d
                    .findElements(
                        By.cssSelector(
                            "#path g.leg[data-from='"
                                + from
                                + "'][data-to='"
                                + to
                                + "'][data-state='"
                                + state
                                + "']"))
                    .stream()
                    .findFirst()
                    .orElse(null));
  }

  private static int ladderSize() {
    return browser.findElements(By.cssSelector("#ladder-svg g.msg")).size();
  }

  private static void shot(String name) throws Exception {
    File png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void anOperatorWatchesACallMoveAndFindsItsRecordAndTheSavings() throws Exception {
    signIn("acme-demo-key");
    UaCall ua = call("+18005550100");
    String callId = callOf(ua).get("id").asText();

    // The live call appears by itself (no reload): it came over the event stream.
    WebElement row =
        waiting()
            .until(
                d ->
                    d
                        .findElements(By.cssSelector("#calls tr.call[data-call='" + callId + "']"))
                        .stream()
                        .findFirst()
                        .orElse(null));
    row.click();
    leg("caller", "sbc-edge", "active");
    leg("sbc-edge", "proxy", "active");
    leg("proxy", "sbc-dest", "active");
    leg("sbc-dest", "callcenter", "active");
    waiting().until(d -> ladderSize() >= 6);
    int ladderBefore = ladderSize();
    shot("1-live-call");

    new Select(browser.findElement(By.id("transfer-target"))).selectByValue("target:sales");
    browser.findElement(By.id("transfer-button")).click();

    leg("sbc-edge", "sbc-carrier", "active");
    leg("sbc-carrier", "pstn-sales", "active");
    leg("sbc-edge", "proxy", "released");
    leg("sbc-dest", "callcenter", "released");
    leg("caller", "sbc-edge", "active");
    waiting()
        .until(
            d -> d.findElements(By.cssSelector(".transfer[data-state='completed']")).size() == 1);
    waiting().until(d -> ladderSize() > ladderBefore + 6);
    shot("2-transferred");

    String text =
        waiting()
            .until(
                d -> {
                  d.findElements(By.cssSelector("#ladder-svg g.msg.request text")).stream()
                      .filter(t -> t.getText().equals("REFER"))
                      .findFirst()
                      .orElseThrow(() -> new NoSuchElementException("no REFER yet"))
                      .click();
                  String shown = d.findElement(By.id("message-text")).getText();
                  return shown.contains("REFER sip:") ? shown : null;
                });
    assertThat(text).contains("REFER sip:").contains("Refer-To:").contains(callId);
    shot("3-message");

    ua.hangUp();
    assertNothingLeaked(callId);
    browser.findElement(By.cssSelector("button.tab[data-view='cdrs']")).click();
    String record =
        waiting()
            .until(
                d -> {
                  d.findElement(By.cssSelector("button.tab[data-view='cdrs']")).click();
                  return d
                      .findElements(By.cssSelector("#cdrs tr.cdr[data-call='" + callId + "']"))
                      .stream()
                      .findFirst()
                      .map(WebElement::getText)
                      .orElse(null);
                });
    assertThat(record).contains("cheapnet").contains("answered");
    shot("4-records");

    browser.findElement(By.cssSelector("button.tab[data-view='savings']")).click();
    String saved =
        waiting()
            .until(
                d ->
                    d.findElements(By.cssSelector("#savings-svg rect.bar.released")).stream()
                        .reduce((a, b) -> b)
                        .map(bar -> bar.getAttribute("data-value"))
                        .orElse(null));
    assertThat(Double.parseDouble(saved)).isPositive();
    assertThat(browser.findElements(By.cssSelector("#savings-svg rect.bar.rerouted"))).isNotEmpty();
    shot("5-savings");

    browser.findElement(By.cssSelector("button.tab[data-view='transfers']")).click();
    assertThat(browser.findElement(By.id("transfers")).getText()).contains("completed");

    // Another tenant signs in on the same browser: none of acme's calls, records or transfers.
    signIn("globex-demo-key");
    assertThat(browser.findElements(By.cssSelector("#calls tr.call[data-call='" + callId + "']")))
        .isEmpty();
    browser.findElement(By.cssSelector("button.tab[data-view='cdrs']")).click();
    Thread.sleep(500);
    assertThat(browser.findElement(By.id("cdrs")).getText()).doesNotContain(callId);
    browser.findElement(By.cssSelector("button.tab[data-view='transfers']")).click();
    assertThat(browser.findElement(By.id("transfers")).getText()).doesNotContain(callId);
    shot("6-other-tenant");
  }

  @Test
  void aWrongKeyIsRefused() {
    browser.get(LabFixture.apiBase() + "/");
    List<WebElement> logout = browser.findElements(By.id("logout"));
    if (!logout.isEmpty() && logout.get(0).isDisplayed()) {
      logout.get(0).click();
    }
    browser.findElement(By.id("key")).sendKeys("not-a-key");
    browser.findElement(By.id("login-button")).click();
    waiting().until(d -> !d.findElement(By.id("login-error")).getText().isEmpty());
    assertThat(browser.findElement(By.id("login-error")).getText()).contains("not known");
    assertThat(browser.findElement(By.id("calls-view")).isDisplayed()).isFalse();
  }
}
