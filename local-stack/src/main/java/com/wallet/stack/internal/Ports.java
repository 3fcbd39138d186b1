package com.wallet.stack.internal;

import com.wallet.stack.StackStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Port checks on the loopback interface, where every server of the stack listens. */
public final class Ports {

    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /** {@code port} itself when it is free, or a free port when it is 0. Fails clearly when a fixed port is taken. */
    public static int claim(String server, String what, int port, String setting) {
        if (port == 0) {
            return free();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return port;
        } catch (IOException e) {
            throw new StackStartException(
                    server,
                    what + " port " + port + " is already in use (" + e.getMessage()
                            + "): stop whatever listens there, or choose another port with " + setting);
        }
    }

    /** A port nobody listens on right now. */
    public static int free() {
        return free(1).get(0);
    }

    /** Distinct free ports, all held open while they are chosen so that none is picked twice. */
    public static List<Integer> free(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket we own does not fail in a way that matters here
                }
            }
        }
    }

    /** Whether something accepts TCP connections on the port. */
    public static boolean accepting(int port) {
        return accepting(LOOPBACK, port);
    }

    /** Whether something accepts TCP connections on the port of {@code host}. */
    public static boolean accepting(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
