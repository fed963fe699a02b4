package dev.kindling.backend;

/** Cumulative operations along one dimension. */
public enum ScanOp { CUMSUM, CUMPROD, CUMMAX, CUMMIN, LOGCUMSUMEXP }
