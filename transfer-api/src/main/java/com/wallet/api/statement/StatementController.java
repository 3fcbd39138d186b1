package com.wallet.api.statement;

import com.wallet.api.identity.CurrentUser;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class StatementController {

    private static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    private final StatementService statements;

    StatementController(StatementService statements) {
        this.statements = statements;
    }

    @ApiResponse(
            responseCode = "200",
            description = "the statement as CSV",
            content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
    @GetMapping("/v1/me/statements")
    ResponseEntity<String> statement(
            @AuthenticationPrincipal Jwt token,
            @RequestParam String from,
            @RequestParam String to,
            @RequestParam(name = "time_zone", defaultValue = "UTC") String timeZone) {
        StatementService.Period period = StatementService.period(from, to, timeZone);
        String body = statements.csv(CurrentUser.id(token), period);
        String name = "statement-" + from.replace(':', '-') + "-" + to.replace(':', '-') + ".csv";
        return ResponseEntity.ok()
                .contentType(CSV)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(name).build().toString())
                .body(body);
    }
}
