package com.wallet.api.schedule;

import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scheduled payments: the time zone whose dates they run on, how often the scheduler looks for due occurrences, and
 * how long after a first attempt refused for want of funds the one retry comes (capped to the same day).
 */
@ConfigurationProperties("wallet.scheduled-payments")
public record ScheduleSettings(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("UTC") ZoneId zone,
        @DefaultValue("PT1M") Duration interval,
        @DefaultValue("PT4H") Duration retryAfter) {}
