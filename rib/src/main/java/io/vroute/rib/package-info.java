package io.vroute.rib;
