package dev.slipstream.testkit;
