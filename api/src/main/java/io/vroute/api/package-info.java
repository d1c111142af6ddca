package io.vroute.api;
