/**
 * Debezium embedded engine publishing committed PostgreSQL changes to Kafka (issue 5). Not built yet: this module exists so that the build, the stack and CI are in place for it.
 */
package com.wallet.cdc;
