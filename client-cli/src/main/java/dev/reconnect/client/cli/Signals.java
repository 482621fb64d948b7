package dev.reconnect.client.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Turns SIGINT and SIGTERM into a call, so that the CLI can clean up, print its final line and exit
 * with its own code instead of the JVM's 130/143. Uses {@code sun.misc.Signal} (module
 * jdk.unsupported) by reflection; where that is missing, falls back to a shutdown hook.
 */
final class Signals {
    private Signals() {}

    static void onTermination(Runnable action) {
        boolean interrupt = install("INT", action);
        boolean terminate = install("TERM", action);
        if (!interrupt || !terminate) {
            Runtime.getRuntime().addShutdownHook(new Thread(action, "cli-shutdown"));
        }
    }

    private static boolean install(String name, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> newSignal = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                        }
                        return null;
                    });
            handle.invoke(null, newSignal.newInstance(name), handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
