package com.wallet.stack.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Entry point of every server JVM the stack starts: {@code ParentWatch <main class> [args...]}. It runs the real main
 * class and exits the JVM as soon as its standard input reaches end-of-file, which happens when the parent process
 * dies, however it dies (even {@code kill -9}): the parent holds the only write end of that pipe. Shutdown hooks get
 * {@value #GRACE_SECONDS} seconds before the JVM is halted.
 *
 * <p>Runs inside the server's JVM, so it must use nothing but the JDK.
 */
public final class ParentWatch {

    static final int GRACE_SECONDS = 20;

    private ParentWatch() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ParentWatch <main class> [args...]");
        }
        Thread watch = new Thread(() -> watch(System.in), "parent-watch");
        watch.setDaemon(true);
        watch.start();
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object)
                    Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(InputStream parentPipe) {
        try {
            byte[] buffer = new byte[64];
            while (parentPipe.read(buffer) != -1) {
                // the parent never writes; anything read is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same thing as end-of-file: the parent is gone
        }
        System.err.println("[parent-watch] parent process is gone; shutting down");
        Thread halt = new Thread(
                () -> {
                    try {
                        Thread.sleep(GRACE_SECONDS * 1000L);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Runtime.getRuntime().halt(2);
                },
                "parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(1);
    }
}
