/* a stand-in WebJar file for ConsoleHttpTest */ window.taamaTestLib = 1;
