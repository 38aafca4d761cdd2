//! Billing pages: fee standards, bill runs, the counter, receipts, day end, reports, and the
//! resident's 缴费 tab.
