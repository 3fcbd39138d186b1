/**
 * Spring Batch settlement jobs: NACHA files, returns, reconciliation (issue 7). Not built yet: this module exists so that the build, the stack and CI are in place for it.
 */
package com.wallet.settlement;
