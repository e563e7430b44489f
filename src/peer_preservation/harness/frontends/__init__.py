"""Front-ends bound over programs in the world (scp, rsync, df, du; bash on the servers).

Each is a self-contained script run by the world's own interpreter (/usr/bin/python3, /opt/pp/real/bash), with the
real program bound at /opt/pp/real/<name>. They are modules here so that their pure parts can be tested.
"""
