package org.taama.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class (and its nested classes) on another Redis topology: the servers and connections it
 * starts in its {@code @BeforeAll} reach a real Redis Cluster or Sentinel set instead of the standalone
 * Redis. The usual way to run an existing test there is a subclass with nothing in it:
 * <pre>{@code @OnRedis(TestRedis.Topology.CLUSTER) class CallbackClusterTest extends CallbackHttpTest {}}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(OnRedis.Switch.class)
public @interface OnRedis {
    TestRedis.Topology value();

    /** Switches before the class's own {@code @BeforeAll} methods run, and back after its {@code @AfterAll}. */
    final class Switch implements BeforeAllCallback, AfterAllCallback {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OnRedis.class);

        @Override
        public void beforeAll(ExtensionContext ctx) {
            OnRedis on = ctx.getRequiredTestClass().getAnnotation(OnRedis.class);
            if (on == null) return; // a nested class: its outer class switched already
            ctx.getStore(NS).put("was", TestRedis.use(on.value()));
        }

        @Override
        public void afterAll(ExtensionContext ctx) {
            TestRedis.Topology was = ctx.getStore(NS).remove("was", TestRedis.Topology.class);
            if (was != null) TestRedis.use(was);
        }
    }
}
