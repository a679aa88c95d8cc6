package io.baton.registry;

class InMemoryCallRegistryTest extends CallRegistryContract {

  @Override
  CallRegistry newRegistry() {
    return new InMemoryCallRegistry(clock, RETAIN);
  }

  /** One process: every element uses the very same registry (closing it does nothing). */
  @Override
  CallRegistry peerOf(CallRegistry registry) {
    return registry;
  }

  @Override
  void prune(CallRegistry registry) {
    ((InMemoryCallRegistry) registry).prune();
  }
}
