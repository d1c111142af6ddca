package io.vroute.server;
