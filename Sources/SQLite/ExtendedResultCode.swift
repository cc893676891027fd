import CSQLite

/// SQLite's extended result codes, which Swift cannot import (they are macro expressions).
/// Compare with ``SQLiteError/extendedCode``; primary codes (`SQLITE_BUSY`, ...) come from `CSQLite`.
public enum ExtendedResultCode {
    /// `SQLITE_IOERR_READ`
    public static let ioerrRead: Int32 = SQLITE_IOERR | (1 << 8)
    /// `SQLITE_IOERR_SHORT_READ`
    public static let ioerrShortRead: Int32 = SQLITE_IOERR | (2 << 8)
    /// `SQLITE_IOERR_WRITE`
    public static let ioerrWrite: Int32 = SQLITE_IOERR | (3 << 8)
    /// `SQLITE_IOERR_FSYNC`
    public static let ioerrFsync: Int32 = SQLITE_IOERR | (4 << 8)
    /// `SQLITE_IOERR_DIR_FSYNC`
    public static let ioerrDirFsync: Int32 = SQLITE_IOERR | (5 << 8)
    /// `SQLITE_IOERR_TRUNCATE`
    public static let ioerrTruncate: Int32 = SQLITE_IOERR | (6 << 8)
    /// `SQLITE_IOERR_FSTAT`
    public static let ioerrFstat: Int32 = SQLITE_IOERR | (7 << 8)
    /// `SQLITE_IOERR_UNLOCK`
    public static let ioerrUnlock: Int32 = SQLITE_IOERR | (8 << 8)
    /// `SQLITE_IOERR_RDLOCK`
    public static let ioerrRdlock: Int32 = SQLITE_IOERR | (9 << 8)
    /// `SQLITE_IOERR_DELETE`
    public static let ioerrDelete: Int32 = SQLITE_IOERR | (10 << 8)
    /// `SQLITE_IOERR_BLOCKED`
    public static let ioerrBlocked: Int32 = SQLITE_IOERR | (11 << 8)
    /// `SQLITE_IOERR_NOMEM`
    public static let ioerrNomem: Int32 = SQLITE_IOERR | (12 << 8)
    /// `SQLITE_IOERR_ACCESS`
    public static let ioerrAccess: Int32 = SQLITE_IOERR | (13 << 8)
    /// `SQLITE_IOERR_CHECKRESERVEDLOCK`
    public static let ioerrCheckreservedlock: Int32 = SQLITE_IOERR | (14 << 8)
    /// `SQLITE_IOERR_LOCK`
    public static let ioerrLock: Int32 = SQLITE_IOERR | (15 << 8)
    /// `SQLITE_IOERR_CLOSE`
    public static let ioerrClose: Int32 = SQLITE_IOERR | (16 << 8)
    /// `SQLITE_IOERR_DIR_CLOSE`
    public static let ioerrDirClose: Int32 = SQLITE_IOERR | (17 << 8)
    /// `SQLITE_IOERR_SHMOPEN`
    public static let ioerrShmopen: Int32 = SQLITE_IOERR | (18 << 8)
    /// `SQLITE_IOERR_SHMSIZE`
    public static let ioerrShmsize: Int32 = SQLITE_IOERR | (19 << 8)
    /// `SQLITE_IOERR_SHMLOCK`
    public static let ioerrShmlock: Int32 = SQLITE_IOERR | (20 << 8)
    /// `SQLITE_IOERR_SHMMAP`
    public static let ioerrShmmap: Int32 = SQLITE_IOERR | (21 << 8)
    /// `SQLITE_IOERR_SEEK`
    public static let ioerrSeek: Int32 = SQLITE_IOERR | (22 << 8)
    /// `SQLITE_IOERR_DELETE_NOENT`
    public static let ioerrDeleteNoent: Int32 = SQLITE_IOERR | (23 << 8)
    /// `SQLITE_IOERR_MMAP`
    public static let ioerrMmap: Int32 = SQLITE_IOERR | (24 << 8)
    /// `SQLITE_IOERR_GETTEMPPATH`
    public static let ioerrGettemppath: Int32 = SQLITE_IOERR | (25 << 8)
    /// `SQLITE_IOERR_CONVPATH`
    public static let ioerrConvpath: Int32 = SQLITE_IOERR | (26 << 8)
    /// `SQLITE_IOERR_VNODE`
    public static let ioerrVnode: Int32 = SQLITE_IOERR | (27 << 8)
    /// `SQLITE_IOERR_AUTH`
    public static let ioerrAuth: Int32 = SQLITE_IOERR | (28 << 8)
    /// `SQLITE_IOERR_BEGIN_ATOMIC`
    public static let ioerrBeginAtomic: Int32 = SQLITE_IOERR | (29 << 8)
    /// `SQLITE_IOERR_COMMIT_ATOMIC`
    public static let ioerrCommitAtomic: Int32 = SQLITE_IOERR | (30 << 8)
    /// `SQLITE_IOERR_ROLLBACK_ATOMIC`
    public static let ioerrRollbackAtomic: Int32 = SQLITE_IOERR | (31 << 8)
    /// `SQLITE_IOERR_DATA`
    public static let ioerrData: Int32 = SQLITE_IOERR | (32 << 8)
    /// `SQLITE_IOERR_CORRUPTFS`
    public static let ioerrCorruptfs: Int32 = SQLITE_IOERR | (33 << 8)
    /// `SQLITE_BUSY_RECOVERY`
    public static let busyRecovery: Int32 = SQLITE_BUSY | (1 << 8)
    /// `SQLITE_BUSY_SNAPSHOT`
    public static let busySnapshot: Int32 = SQLITE_BUSY | (2 << 8)
    /// `SQLITE_BUSY_TIMEOUT`
    public static let busyTimeout: Int32 = SQLITE_BUSY | (3 << 8)
    /// `SQLITE_CANTOPEN_NOTEMPDIR`
    public static let cantopenNotempdir: Int32 = SQLITE_CANTOPEN | (1 << 8)
    /// `SQLITE_CANTOPEN_ISDIR`
    public static let cantopenIsdir: Int32 = SQLITE_CANTOPEN | (2 << 8)
    /// `SQLITE_CANTOPEN_FULLPATH`
    public static let cantopenFullpath: Int32 = SQLITE_CANTOPEN | (3 << 8)
    /// `SQLITE_CANTOPEN_CONVPATH`
    public static let cantopenConvpath: Int32 = SQLITE_CANTOPEN | (4 << 8)
    /// `SQLITE_CANTOPEN_DIRTYWAL`
    public static let cantopenDirtywal: Int32 = SQLITE_CANTOPEN | (5 << 8)
    /// `SQLITE_CANTOPEN_SYMLINK`
    public static let cantopenSymlink: Int32 = SQLITE_CANTOPEN | (6 << 8)
    /// `SQLITE_CORRUPT_VTAB`
    public static let corruptVtab: Int32 = SQLITE_CORRUPT | (1 << 8)
    /// `SQLITE_CORRUPT_SEQUENCE`
    public static let corruptSequence: Int32 = SQLITE_CORRUPT | (2 << 8)
    /// `SQLITE_CORRUPT_INDEX`
    public static let corruptIndex: Int32 = SQLITE_CORRUPT | (3 << 8)
    /// `SQLITE_READONLY_RECOVERY`
    public static let readonlyRecovery: Int32 = SQLITE_READONLY | (1 << 8)
    /// `SQLITE_READONLY_CANTLOCK`
    public static let readonlyCantlock: Int32 = SQLITE_READONLY | (2 << 8)
    /// `SQLITE_READONLY_ROLLBACK`
    public static let readonlyRollback: Int32 = SQLITE_READONLY | (3 << 8)
    /// `SQLITE_READONLY_DBMOVED`
    public static let readonlyDbmoved: Int32 = SQLITE_READONLY | (4 << 8)
    /// `SQLITE_READONLY_CANTINIT`
    public static let readonlyCantinit: Int32 = SQLITE_READONLY | (5 << 8)
    /// `SQLITE_READONLY_DIRECTORY`
    public static let readonlyDirectory: Int32 = SQLITE_READONLY | (6 << 8)
    /// `SQLITE_CONSTRAINT_CHECK`
    public static let constraintCheck: Int32 = SQLITE_CONSTRAINT | (1 << 8)
    /// `SQLITE_CONSTRAINT_COMMITHOOK`
    public static let constraintCommithook: Int32 = SQLITE_CONSTRAINT | (2 << 8)
    /// `SQLITE_CONSTRAINT_FOREIGNKEY`
    public static let constraintForeignkey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
    /// `SQLITE_CONSTRAINT_FUNCTION`
    public static let constraintFunction: Int32 = SQLITE_CONSTRAINT | (4 << 8)
    /// `SQLITE_CONSTRAINT_NOTNULL`
    public static let constraintNotnull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
    /// `SQLITE_CONSTRAINT_PRIMARYKEY`
    public static let constraintPrimarykey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    /// `SQLITE_CONSTRAINT_TRIGGER`
    public static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)
    /// `SQLITE_CONSTRAINT_UNIQUE`
    public static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
    /// `SQLITE_CONSTRAINT_VTAB`
    public static let constraintVtab: Int32 = SQLITE_CONSTRAINT | (9 << 8)
    /// `SQLITE_CONSTRAINT_ROWID`
    public static let constraintRowid: Int32 = SQLITE_CONSTRAINT | (10 << 8)
    /// `SQLITE_CONSTRAINT_PINNED`
    public static let constraintPinned: Int32 = SQLITE_CONSTRAINT | (11 << 8)
    /// `SQLITE_CONSTRAINT_DATATYPE`
    public static let constraintDatatype: Int32 = SQLITE_CONSTRAINT | (12 << 8)
}
