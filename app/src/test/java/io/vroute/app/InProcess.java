package io.vroute.app;

import java.io.PrintWriter;
import java.io.Writer;

/** vroute commands run in-process through {@link Main#commandLine()}, as a user types them (tests only). */
public final class InProcess {
    private InProcess() {}

    /** A finished command: its exit status and everything it printed (standard output and error together). */
    public record Run(int status, String output) {}

    /** Runs {@code args} as {@code vroute args...}; its output is also echoed to the test log as it comes. */
    public static Run run(String... args) {
        StringBuilder text = new StringBuilder();
        Writer tee = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                synchronized (text) {
                    text.append(buf, off, len);
                }
                System.out.print(new String(buf, off, len));
            }

            @Override
            public void flush() {
                System.out.flush();
            }

            @Override
            public void close() {
            }
        };
        PrintWriter out = new PrintWriter(tee, true);
        var cl = Main.commandLine();
        cl.setOut(out);
        cl.setErr(out);
        int status = cl.execute(args);
        out.flush();
        synchronized (text) {
            return new Run(status, text.toString());
        }
    }
}
