/**
 * REST API over PostgreSQL: accounts, ledger, transfers (issue 3 onwards). Not built yet: this module exists so that the build, the stack and CI are in place for it.
 */
package com.wallet.transfer;
