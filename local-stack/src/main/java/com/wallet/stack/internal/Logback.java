package com.wallet.stack.internal;

/** Logging configuration of the server JVMs: everything to standard output, which the stack sends to a log file. */
final class Logback {

    static final String CONSOLE_INFO = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private Logback() {}
}
