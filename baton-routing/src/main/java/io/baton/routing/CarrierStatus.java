package io.baton.routing;

/**
 * What least-cost routing must know about carriers at the moment of a lookup besides their data:
 * which gateways answer health checks, and how many calls each carrier carries.
 */
public interface CarrierStatus {
  /** Every gateway up, no call anywhere. */
  CarrierStatus IDLE =
      new CarrierStatus() {
        @Override
        public boolean up(String gateway) {
          return true;
        }

        @Override
        public int activeCalls(String carrier) {
          return 0;
        }
      };

  /** False if health checks found {@code gateway} ({@code host:port}) down. */
  boolean up(String gateway);

  /** Legs through {@code carrier} now. */
  int activeCalls(String carrier);
}
