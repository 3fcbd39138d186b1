/**
 * Kafka Streams topologies: friend graph and feed fan-out into Cassandra (issue 6). Not built yet: this module exists so that the build, the stack and CI are in place for it.
 */
package com.wallet.fanout;
