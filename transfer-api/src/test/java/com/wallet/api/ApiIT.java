package com.wallet.api;

import com.wallet.stack.PostgresSettings;
import com.wallet.stack.SharedStack;
import com.wallet.stack.StackExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An integration test of the API: the application on a random port, against the shared real PostgreSQL. Test classes
 * extend {@link Base} so they share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public @interface ApiIT {

    abstract class Base {
        @LocalServerPort
        protected int port;

        @Autowired
        protected JdbcTemplate db;

        protected Api api;

        @BeforeEach
        void client() {
            api = new Api(port, db);
        }

        @DynamicPropertySource
        static void stack(DynamicPropertyRegistry registry) {
            PostgresSettings pg = SharedStack.get().postgres();
            registry.add("spring.datasource.url", pg::jdbcUrl);
            registry.add("spring.datasource.username", pg::username);
            registry.add("spring.datasource.password", pg::password);
        }
    }
}
